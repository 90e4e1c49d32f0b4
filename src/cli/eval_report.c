/* Printing evaluation rows: an aligned table for people, JSON or CSV for scripts. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/eval_report.h"

int report_add(report *r, const char *name, const eval_scores *s, double seconds) {
  if (r->n == r->cap) {
    int cap = r->cap ? r->cap * 2 : 32;
    report_row *rows = realloc(r->rows, cap * sizeof *rows);
    if (!rows) return -1;
    r->rows = rows;
    r->cap = cap;
  }
  char *copy = strdup(name);
  if (!copy) return -1;
  r->rows[r->n++] = (report_row){copy, *s, seconds};
  return 0;
}

void report_free(report *r) {
  for (int i = 0; i < r->n; i++) free(r->rows[i].name);
  free(r->rows);
  memset(r, 0, sizeof *r);
}

static report_row mean_row(const report *r) {
  report_row m;
  memset(&m, 0, sizeof m);
  m.name = "mean";
  int timed = r->n > 0;
  for (int i = 0; i < r->n; i++) {
    const eval_scores *s = &r->rows[i].s;
    m.s.sad += s->sad;
    m.s.mse += s->mse;
    m.s.grad += s->grad;
    m.s.conn += s->conn;
    m.s.iou += s->iou;
    m.s.fmeasure += s->fmeasure;
    m.s.region += s->region;
    if (r->rows[i].seconds < 0) timed = 0;
    else m.seconds += r->rows[i].seconds;
  }
  if (r->n) {
    m.s.sad /= r->n;
    m.s.mse /= r->n;
    m.s.grad /= r->n;
    m.s.conn /= r->n;
    m.s.iou /= r->n;
    m.s.fmeasure /= r->n;
    m.s.region /= r->n;
    m.seconds /= r->n;
  }
  if (!timed) m.seconds = -1;
  return m;
}

static int timed(const report *r) { return r->n > 0 && r->rows[0].seconds >= 0; }

static void table_row(FILE *f, const report_row *row, int width, int with_time) {
  fprintf(f, "%-*s %10.4f %10.6f %10.4f %10.4f %8.4f %8.4f", width, row->name, row->s.sad,
          row->s.mse, row->s.grad, row->s.conn, row->s.iou, row->s.fmeasure);
  if (with_time) fprintf(f, " %8.2f", row->seconds);
  fputc('\n', f);
}

static void csv_row(FILE *f, const report_row *row, int with_time) {
  fprintf(f, "%s,%.6f,%.8f,%.6f,%.6f,%.6f,%.6f,%zu", row->name, row->s.sad, row->s.mse,
          row->s.grad, row->s.conn, row->s.iou, row->s.fmeasure, row->s.region);
  if (with_time) fprintf(f, ",%.3f", row->seconds);
  fputc('\n', f);
}

static cJSON *json_row(const report_row *row, int with_name) {
  cJSON *o = cJSON_CreateObject();
  if (!o) return NULL;
  if (with_name) cJSON_AddStringToObject(o, "name", row->name);
  cJSON_AddNumberToObject(o, "sad", row->s.sad);
  cJSON_AddNumberToObject(o, "mse", row->s.mse);
  cJSON_AddNumberToObject(o, "grad", row->s.grad);
  cJSON_AddNumberToObject(o, "conn", row->s.conn);
  cJSON_AddNumberToObject(o, "iou", row->s.iou);
  cJSON_AddNumberToObject(o, "f", row->s.fmeasure);
  cJSON_AddNumberToObject(o, "region_pixels", (double)row->s.region);
  if (row->seconds >= 0) cJSON_AddNumberToObject(o, "seconds", row->seconds);
  return o;
}

int report_print(const report *r, report_format fmt, FILE *f) {
  report_row mean = mean_row(r);
  int with_time = timed(r);
  if (fmt == REPORT_JSON) {
    cJSON *o = cJSON_CreateObject(), *rows = o ? cJSON_AddArrayToObject(o, "images") : NULL;
    if (!rows) {
      cJSON_Delete(o);
      return -1;
    }
    cJSON_AddStringToObject(o, "region", r->trimap ? "trimap unknown" : "whole image");
    cJSON_AddNumberToObject(o, "count", r->n);
    for (int i = 0; i < r->n; i++) cJSON_AddItemToArray(rows, json_row(&r->rows[i], 1));
    cJSON_AddItemToObject(o, "mean", json_row(&mean, 0));
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) return -1;
    fprintf(f, "%s\n", text);
    free(text);
    return 0;
  }
  if (fmt == REPORT_CSV) {
    fprintf(f, "name,sad,mse,grad,conn,iou,f,region_pixels%s\n", with_time ? ",seconds" : "");
    for (int i = 0; i < r->n; i++) csv_row(f, &r->rows[i], with_time);
    csv_row(f, &mean, with_time);
    return 0;
  }
  int width = 4;
  for (int i = 0; i < r->n; i++) {
    int len = (int)strlen(r->rows[i].name);
    if (len > width) width = len;
  }
  fprintf(f, "errors over %s; SAD, Grad, Conn / 1000; IoU and F (beta^2 0.3) at alpha 0.5\n",
          r->trimap ? "the trimaps' unknown regions" : "whole images");
  fprintf(f, "%-*s %10s %10s %10s %10s %8s %8s%s\n", width, "name", "SAD", "MSE", "Grad", "Conn",
          "IoU", "F", with_time ? "  seconds" : "");
  for (int i = 0; i < r->n; i++) table_row(f, &r->rows[i], width, with_time);
  table_row(f, &mean, width, with_time);
  return 0;
}
