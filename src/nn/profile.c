/* Where the time of nn_run goes: per node, summed by op type. */
#include <stdlib.h>
#include <string.h>

#include "nn/nn.h"

int nn_profile_enable(nn_graph *g, nn_err *err) {
  free(g->prof_sec);
  g->prof_runs = 0;
  g->prof_sec = calloc((size_t)g->n_nodes + 1, sizeof(double));
  return g->prof_sec ? NN_OK : nn_fail(err, NN_ENOMEM, "out of memory");
}

typedef struct row {
  const char *op;
  int nodes;
  double sec;
  double flops; /* of the direct-equivalent work (convolutions; 0 for other ops) */
} row;

/* Multiply-adds x 2 of a convolution computed directly (Conv, ConvInteger: each output
 * takes C/group x kernel products; ConvTranspose: each input feeds M/group x kernel
 * outputs); 0 for other ops or shapes not known. */
static double direct_flops(const nn_graph *g, const nn_node *n) {
  int transpose = !strcmp(n->op_type, "ConvTranspose");
  if ((strcmp(n->op_type, "Conv") && strcmp(n->op_type, "ConvInteger") && !transpose) ||
      n->n_in < 2 || n->in[0] < 0 || n->in[1] < 0 || n->n_out < 1 || n->out[0] < 0)
    return 0;
  const nn_tensor *x = &g->values[n->in[0]].t, *w = &g->values[n->in[1]].t,
                  *y = &g->values[n->out[0]].t;
  if (x->ndim < 3 || w->ndim < 3 || y->ndim < 3 || w->dims[0] <= 0) return 0;
  double per = (double)nn_numel(w) / (double)w->dims[0]; /* one filter's weights */
  double at = (double)nn_numel(transpose ? x : y);
  return at > 0 && per > 0 ? 2.0 * at * per : 0;
}

static int by_time(const void *a, const void *b) {
  double x = ((const row *)a)->sec, y = ((const row *)b)->sec;
  return x < y ? 1 : x > y ? -1 : 0;
}

void nn_profile_report(const nn_graph *g, FILE *f) {
  if (!g->prof_sec || !g->prof_runs) {
    fprintf(f, "no profile recorded\n");
    return;
  }
  row *rows = calloc((size_t)g->n_nodes + 1, sizeof *rows);
  row *nodes = calloc((size_t)g->n_nodes + 1, sizeof *nodes);
  if (!rows || !nodes) {
    free(rows);
    free(nodes);
    return;
  }
  int n_rows = 0;
  double total = 0;
  for (int i = 0; i < g->n_nodes; i++) {
    const nn_node *n = &g->nodes[i];
    double s = g->prof_sec[i] / g->prof_runs;
    total += s;
    nodes[i] = (row){n->name, i, s, 0};
    int k = 0;
    while (k < n_rows && strcmp(rows[k].op, n->op_type)) k++;
    if (k == n_rows) rows[n_rows++] = (row){n->op_type, 0, 0, 0};
    rows[k].nodes++;
    rows[k].sec += s;
    rows[k].flops += direct_flops(g, n);
  }
  qsort(rows, (size_t)n_rows, sizeof *rows, by_time);
  qsort(nodes, (size_t)g->n_nodes, sizeof *nodes, by_time);
  fprintf(f, "per pass, mean of %d run(s): %.1f ms in %d nodes\n", g->prof_runs, total * 1e3,
          g->n_nodes);
  fprintf(f, "%-24s %6s %10s %7s %10s %9s\n", "op", "nodes", "ms", "share", "GFLOP", "GFLOP/s");
  for (int k = 0; k < n_rows; k++) {
    fprintf(f, "%-24s %6d %10.1f %6.1f%%", rows[k].op, rows[k].nodes, rows[k].sec * 1e3,
            total > 0 ? 100 * rows[k].sec / total : 0);
    if (rows[k].flops > 0 && rows[k].sec > 0) /* (direct-equivalent work) */
      fprintf(f, " %10.1f %9.1f\n", rows[k].flops * 1e-9, rows[k].flops * 1e-9 / rows[k].sec);
    else
      fprintf(f, " %10s %9s\n", "-", "-");
  }
  fprintf(f, "\nslowest nodes of each op:\n%-40s %-14s %-18s %9s\n", "node", "op", "output",
          "ms");
  for (int r = 0; r < n_rows; r++)
    for (int k = 0, shown = 0; k < g->n_nodes && shown < 3; k++) {
      const nn_node *n = &g->nodes[nodes[k].nodes];
      if (strcmp(n->op_type, rows[r].op)) continue;
      char shape[64] = "";
      if (n->n_out && n->out[0] >= 0) nn_shape_str(&g->values[n->out[0]].t, shape, sizeof shape);
      fprintf(f, "%-40.40s %-14s %-18s %9.1f\n", n->name, n->op_type, shape, nodes[k].sec * 1e3);
      shown++;
    }
  free(rows);
  free(nodes);
}
