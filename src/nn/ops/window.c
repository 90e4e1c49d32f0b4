/* Sliding-window attributes and output geometry (Conv, ConvInteger, MaxPool). */
#include "nn/ops/window.h"

#include <string.h>

#include "nn/op.h"

/* Copies an ints attribute of at most max entries, each >= lo, into dst. */
static int read_ints(const nn_node *node, const char *name, int max, int64_t lo, int64_t *dst,
                     int *count, nn_err *err) {
  int n = 0;
  const int64_t *v = nn_attr_ints(node, name, &n);
  const nn_attr *at = nn_attr_get(node, name);
  if (at && at->type != NN_ATTR_INTS)
    return nn_node_fail(node, err, NN_EINVAL, "attribute '%s' must be a list of ints", name);
  if (n > max)
    return nn_node_fail(node, err, NN_EUNSUPPORTED,
                        "attribute '%s' has %d values; only 1-D to 3-D windows are supported", name,
                        n);
  for (int i = 0; i < n; i++) {
    if (v[i] < lo)
      return nn_node_fail(node, err, NN_EINVAL, "attribute '%s' has value %lld (must be >= %lld)",
                          name, (long long)v[i], (long long)lo);
    dst[i] = v[i];
  }
  *count = n;
  return NN_OK;
}

int nn_win_parse(const nn_node *node, int allow_ceil, nn_win_attrs *a, nn_err *err) {
  memset(a, 0, sizeof *a);
  int rc;
  if ((rc = read_ints(node, "kernel_shape", NN_WIN_MAX_SP, 1, a->kernel, &a->n_kernel, err)) ||
      (rc = read_ints(node, "strides", NN_WIN_MAX_SP, 1, a->strides, &a->n_strides, err)) ||
      (rc = read_ints(node, "dilations", NN_WIN_MAX_SP, 1, a->dilations, &a->n_dilations, err)) ||
      (rc = read_ints(node, "pads", 2 * NN_WIN_MAX_SP, 0, a->pads, &a->n_pads, err)))
    return rc;
  if (a->n_pads % 2)
    return nn_node_fail(node, err, NN_EINVAL, "attribute 'pads' has an odd count (%d)", a->n_pads);
  const char *ap = nn_attr_str(node, "auto_pad", "NOTSET");
  if (!ap[0] || !strcmp(ap, "NOTSET"))
    a->auto_pad = NN_PAD_NOTSET;
  else if (!strcmp(ap, "SAME_UPPER"))
    a->auto_pad = NN_PAD_SAME_UPPER;
  else if (!strcmp(ap, "SAME_LOWER"))
    a->auto_pad = NN_PAD_SAME_LOWER;
  else if (!strcmp(ap, "VALID"))
    a->auto_pad = NN_PAD_VALID;
  else
    return nn_node_fail(node, err, NN_EINVAL, "attribute 'auto_pad' has unknown value '%s'", ap);
  if (allow_ceil) {
    int64_t c = nn_attr_int(node, "ceil_mode", 0);
    if (c != 0 && c != 1)
      return nn_node_fail(node, err, NN_EINVAL, "attribute 'ceil_mode' must be 0 or 1, not %lld",
                          (long long)c);
    a->ceil_mode = (int)c;
  }
  return NN_OK;
}

int nn_win_geometry(const nn_node *node, const nn_win_attrs *a, int nsp, const int64_t *in,
                    const int64_t *kernel, nn_win *w, nn_err *err) {
  if (nsp < 1 || nsp > NN_WIN_MAX_SP)
    return nn_node_fail(node, err, NN_EUNSUPPORTED,
                        "%d spatial axes; only 1-D to 3-D windows are supported", nsp);
  if ((a->n_strides && a->n_strides != nsp) || (a->n_dilations && a->n_dilations != nsp) ||
      (a->n_pads && a->n_pads != 2 * nsp) || (a->n_kernel && a->n_kernel != nsp))
    return nn_node_fail(node, err, NN_EINVAL,
                        "attribute lengths (kernel_shape %d, strides %d, dilations %d, pads %d) "
                        "do not match %d spatial axes",
                        a->n_kernel, a->n_strides, a->n_dilations, a->n_pads, nsp);
  memset(w, 0, sizeof *w);
  w->nsp = nsp;
  for (int i = 0; i < nsp; i++) {
    int64_t k = kernel[i], s = a->n_strides ? a->strides[i] : 1;
    int64_t d = a->n_dilations ? a->dilations[i] : 1;
    int64_t dk = (k - 1) * d + 1, n = in[i];
    w->in[i] = n;
    w->kernel[i] = k;
    w->stride[i] = s;
    w->dilation[i] = d;
    if (a->auto_pad == NN_PAD_NOTSET && a->n_pads) {
      w->pad_l[i] = a->pads[i];
      w->pad_r[i] = a->pads[i + nsp];
    }
    if (n < 0) {
      w->out[i] = -1;
      continue;
    }
    if (a->auto_pad == NN_PAD_SAME_UPPER || a->auto_pad == NN_PAD_SAME_LOWER) {
      int64_t out = (n + s - 1) / s;
      int64_t total = (out - 1) * s + dk - n;
      if (total < 0) total = 0;
      w->pad_l[i] = a->auto_pad == NN_PAD_SAME_UPPER ? total / 2 : total - total / 2;
      w->pad_r[i] = total - w->pad_l[i];
      w->out[i] = out;
      continue;
    }
    int64_t span = n + w->pad_l[i] + w->pad_r[i] - dk;
    if (span < 0)
      return nn_node_fail(node, err, NN_EINVAL,
                          "axis %d: padded input size %lld is smaller than the kernel extent "
                          "%lld",
                          i, (long long)(n + w->pad_l[i] + w->pad_r[i]), (long long)dk);
    int64_t out = (a->ceil_mode ? (span + s - 1) / s : span / s) + 1;
    /* The last window must start inside the input or the left padding. */
    if (a->ceil_mode && (out - 1) * s >= n + w->pad_l[i]) out--;
    w->out[i] = out;
  }
  return NN_OK;
}

void nn_win_to_3d(const nn_win *w, nn_win *w3) {
  int shift = NN_WIN_MAX_SP - w->nsp;
  w3->nsp = NN_WIN_MAX_SP;
  for (int i = 0; i < NN_WIN_MAX_SP; i++) {
    int j = i - shift;
    w3->in[i] = j >= 0 ? w->in[j] : 1;
    w3->kernel[i] = j >= 0 ? w->kernel[j] : 1;
    w3->stride[i] = j >= 0 ? w->stride[j] : 1;
    w3->dilation[i] = j >= 0 ? w->dilation[j] : 1;
    w3->pad_l[i] = j >= 0 ? w->pad_l[j] : 0;
    w3->pad_r[i] = j >= 0 ? w->pad_r[j] : 0;
    w3->out[i] = j >= 0 ? w->out[j] : 1;
  }
}
