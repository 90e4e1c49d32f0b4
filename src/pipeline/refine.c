/* The tile refiner (a U-Net trained by cutout train --arch unet or unet-gan): over the
 * unknown band of the mask's trimap, tile by tile at the photo's resolution, the network
 * sees the tile's RGB, the mask and the trimap and gives the alpha there. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "image/image.h"
#include "nn/layout.h"
#include "nn/nn.h"
#include "pipeline/model.h"
#include "pipeline/tiles.h"

struct ct_refiner {
  nn_graph *g;          /* laid out for the precision of its load (nn/layout.h) */
  int side;             /* the square input's side */
  char *path;           /* loaded again when the precision changes */
  pthread_mutex_t lock; /* one run at a time: threads sharing it (batch -j) share the graph */
};

/* The refiner's graph from path, optimised for the precision in force now; *side its
 * input's side. */
static ct_status load_graph(const char *path, nn_graph **out, int *side, ct_error *err) {
  nn_graph *g = NULL;
  *out = NULL;
  ct_status st = ct_load_network(path, 0, &g, NULL, 0, err);
  if (st) {
    if (err) { /* named as the refiner */
      memmove(err->message + 8, err->message, sizeof err->message - 8);
      memcpy(err->message, "refiner ", 8);
      err->message[sizeof err->message - 1] = 0;
      err->code = st == CT_ERR_MEMORY ? st : CT_ERR_MODEL;
    }
    return st == CT_ERR_MEMORY ? st : CT_ERR_MODEL;
  }
  const nn_tensor *in = g->n_inputs == 1 ? &g->values[g->inputs[0]].t : NULL;
  if (!in || in->ndim != 4 || in->dims[0] != 1 || in->dims[1] != 5 || in->dims[2] < 32 ||
      in->dims[2] != in->dims[3] || g->n_outputs < 1) {
    nn_graph_free(g);
    return ct_fail(err, CT_ERR_MODEL, "refiner %s: its input must be 1 x 5 x S x S (RGB, mask, "
                   "trimap), as cutout train --arch unet makes", path);
  }
  *side = (int)in->dims[2];
  *out = g;
  return CT_OK;
}

ct_status ct_refiner_load(const char *path, ct_refiner **out, ct_error *err) {
  if (!path || !out) return ct_fail(err, CT_ERR_ARGUMENT, "no path or result given");
  *out = NULL;
  nn_graph *g;
  int side;
  ct_status st = load_graph(path, &g, &side, err);
  if (st) return st;
  ct_refiner *r = calloc(1, sizeof *r);
  if (!r || !(r->path = strdup(path)) || pthread_mutex_init(&r->lock, NULL)) {
    nn_graph_free(g);
    if (r) free(r->path);
    free(r);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory");
  }
  r->g = g;
  r->side = side;
  *out = r;
  return CT_OK;
}

void ct_refiner_free(ct_refiner *r) {
  if (!r) return;
  nn_graph_free(r->g);
  pthread_mutex_destroy(&r->lock);
  free(r->path);
  free(r);
}

/* One network run of the refiner (loaded again first when the precision changed). */
static ct_status refiner_run(ct_refiner *r, nn_tensor *in, nn_tensor **y, ct_error *err) {
  ct_status st = CT_OK;
  nn_err e;
  pthread_mutex_lock(&r->lock);
  if (r->g->layout != nn_layout_active()) {
    nn_graph *g;
    int side;
    st = load_graph(r->path, &g, &side, err);
    if (!st) {
      nn_graph_free(r->g);
      r->g = g;
    }
  }
  if (!st && nn_run(r->g, &in, 1, y, 1, &e))
    st = ct_fail(err, e.code == NN_ENOMEM ? CT_ERR_MEMORY : CT_ERR_MODEL, "refiner: %s", e.msg);
  pthread_mutex_unlock(&r->lock);
  return st;
}

/* 1 when the zone holds an unknown pixel of the trimap */
static int has_unknown(const uint8_t *tri, int w, const tile_rect *z) {
  for (int y = z->y; y < z->y + z->h; y++)
    for (int x = z->x; x < z->x + z->w; x++)
      if (tri[(size_t)y * w + x] != 0 && tri[(size_t)y * w + x] != 255) return 1;
  return 0;
}

ct_status ct_refine(ct_refiner *r, const ct_image *photo, const ct_image *mask,
                    const ct_image *trimap, ct_image **alpha, ct_error *err) {
  if (!r || !photo || !mask || !trimap || !alpha)
    return ct_fail(err, CT_ERR_ARGUMENT, "missing argument");
  *alpha = NULL;
  ct_status st = ct_check_plane(photo, mask, "mask", err);
  if (!st) st = ct_check_plane(photo, trimap, "trimap", err);
  if (st) return st;
  int W = photo->width, H = photo->height, S = r->side, ch = photo->channels;
  /* a photo narrower or lower than a tile is laid out as if it were S wide or high, its last
   * column or row repeated beyond its border */
  int LW = W > S ? W : S, LH = H > S ? H : S;
  ct_img *out = img_new(W, H, 1);
  tile_rect *tiles = NULL;
  int overlap = S / 4, n = tile_layout(LW, LH, S, overlap, &tiles);
  int64_t dims[4] = {1, 5, S, S};
  nn_err e;
  nn_tensor *in = nn_tensor_new(NN_F32, 4, dims, &e);
  if (!out || n <= 0 || !in) {
    img_free(out);
    free(tiles);
    nn_tensor_free(in);
    return ct_fail(err, CT_ERR_MEMORY, "out of memory for the refiner");
  }
  memcpy(out->data, mask->data, (size_t)W * H);
  size_t plane = (size_t)S * S;
  for (int t = 0; t < n && !st; t++) {
    tile_rect z = tile_zone(&tiles[t], LW, LH, overlap);
    z.w = z.x + z.w > W ? W - z.x : z.w; /* the zone's part inside the photo */
    z.h = z.y + z.h > H ? H - z.y : z.h;
    if (z.w <= 0 || z.h <= 0 || !has_unknown(trimap->data, W, &z)) continue;
    float *v = in->data;
    for (int y = 0; y < S; y++)
      for (int x = 0; x < S; x++) {
        int py = tiles[t].y + y < H ? tiles[t].y + y : H - 1;
        int px = tiles[t].x + x < W ? tiles[t].x + x : W - 1;
        size_t p = (size_t)py * W + px, q = (size_t)y * S + x;
        for (int c = 0; c < 3; c++) v[c * plane + q] = photo->data[p * ch + (ch >= 3 ? c : 0)] / 255.0f;
        v[3 * plane + q] = mask->data[p] / 255.0f;
        v[4 * plane + q] = trimap->data[p] / 255.0f;
      }
    nn_tensor *y = NULL;
    if ((st = refiner_run(r, in, &y, err))) break;
    const float *a = y->data;
    for (int yy = z.y; yy < z.y + z.h; yy++) /* the zone's unknown pixels */
      for (int xx = z.x; xx < z.x + z.w; xx++) {
        size_t p = (size_t)yy * W + xx;
        uint8_t tv = trimap->data[p];
        if (tv == 0 || tv == 255) continue;
        float f = a[(size_t)(yy - tiles[t].y) * S + (xx - tiles[t].x)];
        out->data[p] = (uint8_t)(f <= 0 ? 0 : f >= 1 ? 255 : f * 255.0f + 0.5f);
      }
    nn_tensor_free(y);
  }
  nn_tensor_free(in);
  free(tiles);
  if (st) {
    img_free(out);
    return st;
  }
  *alpha = out;
  return CT_OK;
}
