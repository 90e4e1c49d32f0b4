/* The rows of `cutout eval` and their printing as a table, JSON or CSV. */
#ifndef CUTOUT_CLI_EVAL_REPORT_H
#define CUTOUT_CLI_EVAL_REPORT_H

#include <stdio.h>

#include "eval/metrics.h"

typedef enum { REPORT_TABLE, REPORT_JSON, REPORT_CSV } report_format;

typedef struct report_row {
  char *name;
  eval_scores s;
  double seconds; /* time to predict (pipeline mode), or < 0 */
} report_row;

typedef struct report {
  report_row *rows;
  int n, cap;
  int trimap; /* 1: errors over the trimaps' unknown regions */
} report;

/* Appends a row (name copied); 0, or -1 when out of memory. */
int report_add(report *r, const char *name, const eval_scores *s, double seconds);
void report_free(report *r);
/* Prints the rows and their mean to f. Returns 0, or -1 when out of memory. */
int report_print(const report *r, report_format fmt, FILE *f);

#endif
