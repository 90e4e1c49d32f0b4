/* Writes the binary seed corpora of the fuzz targets into DIR/<target>/seed-*:
 *   onnx   small models for every op family, written by a minimal protobuf writer (each is
 *          checked to load, prepare and optimise: a seed the engine refuses would fuzz only
 *          the error paths);
 *   image  small photos in the formats libvips reads, most through the project's encoder;
 *   mask   small grey masks and trimaps;
 *   safetensors  checkpoints as training writes them (st_write), with metadata and several
 *          dtypes.
 * Generated rather than committed: they are binary, and the encoders make them in a moment.
 *
 *   fuzz_seeds DIR
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image_internal.h"
#include "nn/nn.h"
#include "train/safetensors.h"

static int failures;

static int make_dir(const char *path) {
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "fuzz_seeds: cannot make %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

/* Writes under a temporary name and renames: a replay never sees half a seed. */
static void write_seed(const char *dir, const char *target, const char *name, const void *data,
                       size_t len) {
  char path[4096], tmp[4200];
  snprintf(path, sizeof path, "%s/%s/seed-%s", dir, target, name);
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path) != 0) {
    fprintf(stderr, "fuzz_seeds: cannot write %s: %s\n", path, strerror(errno));
    failures++;
  }
}

/* ---- a minimal protobuf writer, enough for ONNX models ---- */

typedef struct pb {
  uint8_t *p;
  size_t n, cap;
} pb;

static void pb_raw(pb *b, const void *d, size_t n) {
  if (b->n + n > b->cap) {
    size_t c = b->cap ? b->cap * 2 : 256;
    while (c < b->n + n) c *= 2;
    uint8_t *q = realloc(b->p, c);
    if (!q) abort();
    b->p = q;
    b->cap = c;
  }
  if (n) memcpy(b->p + b->n, d, n);
  b->n += n;
}

static void pb_varint(pb *b, uint64_t v) {
  uint8_t t[10];
  size_t n = 0;
  do {
    t[n] = (uint8_t)(v & 0x7f);
    v >>= 7;
    if (v) t[n] |= 0x80;
    n++;
  } while (v);
  pb_raw(b, t, n);
}

static void pb_int(pb *b, int field, int64_t v) {
  pb_varint(b, (uint64_t)field << 3);
  pb_varint(b, (uint64_t)v);
}

static void pb_bytes(pb *b, int field, const void *d, size_t n) {
  pb_varint(b, (uint64_t)field << 3 | 2);
  pb_varint(b, n);
  pb_raw(b, d, n);
}

static void pb_str(pb *b, int field, const char *s) { pb_bytes(b, field, s, strlen(s)); }

/* Appends sub as a nested message and frees it. */
static void pb_msg(pb *b, int field, pb *sub) {
  pb_bytes(b, field, sub->p, sub->n);
  free(sub->p);
  *sub = (pb){0};
}

/* ---- ONNX messages (field numbers of onnx.proto) ---- */

enum { T_FLOAT = 1, T_UINT8 = 2, T_INT32 = 6, T_INT64 = 7, T_FLOAT16 = 10 };

/* TensorProto: dims 1, data_type 2, name 8, raw_data 9. */
static pb tensor(const char *name, int type, int nd, const int64_t *dims, const void *raw,
                 size_t bytes) {
  pb t = {0};
  for (int i = 0; i < nd; i++) pb_int(&t, 1, dims[i]);
  pb_int(&t, 2, type);
  if (name) pb_str(&t, 8, name);
  pb_bytes(&t, 9, raw, bytes);
  return t;
}

/* GraphProto.initializer (5). */
static void initializer(pb *g, const char *name, int type, int nd, const int64_t *dims,
                        const void *raw, size_t bytes) {
  pb t = tensor(name, type, nd, dims, raw, bytes);
  pb_msg(g, 5, &t);
}

/* ValueInfoProto {name 1, type 2 {tensor_type 1 {elem_type 1, shape 2 {dim 1 {dim_value 1 |
 * dim_param 2}}}}}; nd < 0: no shape. A dim of -1 is symbolic ("N"). */
static void value_info(pb *g, int field, const char *name, int type, int nd,
                       const int64_t *dims) {
  pb vi = {0}, tp = {0}, tt = {0}, shape = {0};
  pb_str(&vi, 1, name);
  pb_int(&tt, 1, type);
  if (nd >= 0) {
    for (int i = 0; i < nd; i++) {
      pb d = {0};
      if (dims[i] < 0) pb_str(&d, 2, "N");
      else pb_int(&d, 1, dims[i]);
      pb_msg(&shape, 1, &d);
    }
    pb_msg(&tt, 2, &shape);
  }
  pb_msg(&tp, 1, &tt);
  pb_msg(&vi, 2, &tp);
  pb_msg(g, field, &vi);
}

/* AttributeProto: name 1, f 2, i 3, s 4, t 5, ints 8, type 20. */
static pb attr_int(const char *name, int64_t v) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_int(&a, 3, v);
  pb_int(&a, 20, 2);
  return a;
}

static pb attr_ints(const char *name, int n, const int64_t *v) {
  pb a = {0};
  pb_str(&a, 1, name);
  for (int i = 0; i < n; i++) pb_int(&a, 8, v[i]);
  pb_int(&a, 20, 7);
  return a;
}

static pb attr_str(const char *name, const char *s) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_str(&a, 4, s);
  pb_int(&a, 20, 3);
  return a;
}

static pb attr_tensor(const char *name, pb *t) {
  pb a = {0};
  pb_str(&a, 1, name);
  pb_msg(&a, 5, t);
  pb_int(&a, 20, 4);
  return a;
}

/* NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. The lists end with NULL;
 * the attributes are consumed. */
static void node(pb *g, const char *op, const char *const *in, const char *const *out,
                 int n_attrs, pb *attrs) {
  static int count;
  char name[32];
  snprintf(name, sizeof name, "n%d", count++);
  pb n = {0};
  for (; *in; in++) pb_str(&n, 1, *in);
  for (; *out; out++) pb_str(&n, 2, *out);
  pb_str(&n, 3, name);
  pb_str(&n, 4, op);
  for (int i = 0; i < n_attrs; i++) pb_msg(&n, 5, &attrs[i]);
  pb_msg(g, 1, &n);
}

#define IN(...) ((const char *const[]){__VA_ARGS__, NULL})
static const char *const NONE[] = {NULL};
#define OUT IN
#define DIMS(...) ((const int64_t[]){__VA_ARGS__})
#define ND(...) (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t))

/* ModelProto: ir_version 1, graph 7, opset_import 8 {version 2}. Consumes g. */
static pb model(pb *g, int opset) {
  pb m = {0}, os = {0};
  pb_int(&m, 1, 7);
  pb_str(g, 2, "seed");
  pb_msg(&m, 7, g);
  pb_int(&os, 2, opset);
  pb_msg(&m, 8, &os);
  return m;
}

static void fill(float *v, int n, float scale) {
  for (int i = 0; i < n; i++) v[i] = scale * (float)((i * 7919) % 17 - 8) / 8.0f;
}

static void onnx_seed(const char *dir, const char *name, pb *m) {
  nn_graph *g = NULL;
  nn_err err = {0};
  int rc = nn_onnx_load_buffer(m->p, m->n, &g, &err);
  if (!rc) rc = nn_prepare(g, &err);
  if (!rc) rc = nn_optimize(g, &err);
  nn_graph_free(g);
  if (rc) {
    fprintf(stderr, "fuzz_seeds: onnx/%s is refused by the engine: %s\n", name, err.msg);
    failures++;
  }
  write_seed(dir, "onnx", name, m->p, m->n);
  free(m->p);
}

static void onnx_seeds(const char *dir) {
  { /* Conv (padded, symbolic batch) -> Relu -> MaxPool -> Sigmoid */
    pb g = {0};
    float w[4 * 3 * 3 * 3], b[4];
    fill(w, 108, 0.3f);
    fill(b, 4, 0.1f);
    initializer(&g, "W", T_FLOAT, 4, DIMS(4, 3, 3, 3), w, sizeof w);
    initializer(&g, "B", T_FLOAT, 1, DIMS(4), b, sizeof b);
    value_info(&g, 11, "x", T_FLOAT, 4, DIMS(-1, 3, 8, 8));
    pb ca[] = {attr_ints("pads", 4, DIMS(1, 1, 1, 1)), attr_ints("kernel_shape", 2, DIMS(3, 3)),
               attr_ints("strides", 2, DIMS(1, 1)), attr_int("group", 1)};
    node(&g, "Conv", IN("x", "W", "B"), OUT("c"), 4, ca);
    node(&g, "Relu", IN("c"), OUT("r"), 0, NULL);
    pb pa[] = {attr_ints("kernel_shape", 2, DIMS(2, 2)), attr_ints("strides", 2, DIMS(2, 2))};
    node(&g, "MaxPool", IN("r"), OUT("p"), 2, pa);
    node(&g, "Sigmoid", IN("p"), OUT("y"), 0, NULL);
    value_info(&g, 12, "y", T_FLOAT, 4, DIMS(-1, 4, 4, 4));
    pb m = model(&g, 13);
    onnx_seed(dir, "conv", &m);
  }
  { /* Shape arithmetic folded at load: Shape, Gather, Concat, Reshape, Slice, Unsqueeze,
     * binary ops, Cast through float16, Identity */
    pb g = {0};
    int64_t idx[2] = {0, 1}, minus1[1] = {-1}, st[1] = {0}, en[1] = {8}, ax[1] = {2};
    int64_t ax0[1] = {0};
    float half = 0.5f;
    initializer(&g, "idx", T_INT64, 1, DIMS(2), idx, sizeof idx);
    initializer(&g, "m1", T_INT64, 1, DIMS(1), minus1, sizeof minus1);
    initializer(&g, "starts", T_INT64, 1, DIMS(1), st, sizeof st);
    initializer(&g, "ends", T_INT64, 1, DIMS(1), en, sizeof en);
    initializer(&g, "axes", T_INT64, 1, DIMS(1), ax, sizeof ax);
    initializer(&g, "axes0", T_INT64, 1, DIMS(1), ax0, sizeof ax0);
    initializer(&g, "half", T_FLOAT, 0, NULL, &half, sizeof half);
    value_info(&g, 11, "x", T_FLOAT, 4, DIMS(1, 3, 4, 4));
    node(&g, "Shape", IN("x"), OUT("s"), 0, NULL);
    pb ga[] = {attr_int("axis", 0)};
    node(&g, "Gather", IN("s", "idx"), OUT("nc"), 1, ga);
    pb cc[] = {attr_int("axis", 0)};
    node(&g, "Concat", IN("nc", "m1"), OUT("shape"), 1, cc);
    node(&g, "Reshape", IN("x", "shape"), OUT("r"), 0, NULL);
    node(&g, "Slice", IN("r", "starts", "ends", "axes"), OUT("sl"), 0, NULL);
    node(&g, "Add", IN("sl", "sl"), OUT("a"), 0, NULL);
    node(&g, "Mul", IN("a", "half"), OUT("mu"), 0, NULL);
    node(&g, "Sub", IN("mu", "half"), OUT("su"), 0, NULL);
    node(&g, "Div", IN("su", "half"), OUT("dv"), 0, NULL);
    pb c16[] = {attr_int("to", T_FLOAT16)};
    node(&g, "Cast", IN("dv"), OUT("h"), 1, c16);
    pb c32[] = {attr_int("to", T_FLOAT)};
    node(&g, "Cast", IN("h"), OUT("f"), 1, c32);
    node(&g, "Unsqueeze", IN("f", "axes0"), OUT("u"), 0, NULL);
    node(&g, "Identity", IN("u"), OUT("y"), 0, NULL);
    value_info(&g, 12, "y", T_FLOAT, -1, NULL);
    pb m = model(&g, 13);
    onnx_seed(dir, "shape", &m);
  }
  { /* Constant scales, Resize (linear and nearest), Concat on channels */
    pb g = {0};
    float scales[4] = {1, 1, 2, 2};
    value_info(&g, 11, "x", T_FLOAT, 4, DIMS(1, 2, 4, 4));
    pb t = tensor(NULL, T_FLOAT, 1, DIMS(4), scales, sizeof scales);
    pb k[] = {attr_tensor("value", &t)};
    node(&g, "Constant", NONE, OUT("scales"), 1, k);
    pb lin[] = {attr_str("mode", "linear")};
    node(&g, "Resize", IN("x", "", "scales"), OUT("rl"), 1, lin);
    pb near[] = {attr_str("mode", "nearest"),
                 attr_str("coordinate_transformation_mode", "asymmetric"),
                 attr_str("nearest_mode", "floor")};
    node(&g, "Resize", IN("x", "", "scales"), OUT("rn"), 3, near);
    pb cc[] = {attr_int("axis", 1)};
    node(&g, "Concat", IN("rl", "rn"), OUT("y"), 1, cc);
    value_info(&g, 12, "y", T_FLOAT, 4, DIMS(1, 4, 8, 8));
    pb m = model(&g, 13);
    onnx_seed(dir, "resize", &m);
  }
  { /* Upsample with scales as an input (opset 9) */
    pb g = {0};
    float scales[4] = {1, 1, 2, 2};
    initializer(&g, "scales", T_FLOAT, 1, DIMS(4), scales, sizeof scales);
    value_info(&g, 11, "x", T_FLOAT, 4, DIMS(1, 1, 3, 3));
    pb a[] = {attr_str("mode", "nearest")};
    node(&g, "Upsample", IN("x", "scales"), OUT("y"), 1, a);
    value_info(&g, 12, "y", T_FLOAT, 4, DIMS(1, 1, 6, 6));
    pb m = model(&g, 9);
    onnx_seed(dir, "upsample", &m);
  }
  { /* Quantised: DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul by the scale */
    pb g = {0};
    uint8_t w[3 * 2 * 3 * 3], wz = 128;
    for (int i = 0; i < (int)sizeof w; i++) w[i] = (uint8_t)(100 + (i * 37) % 57);
    initializer(&g, "w", T_UINT8, 4, DIMS(3, 2, 3, 3), w, sizeof w);
    initializer(&g, "wz", T_UINT8, 0, NULL, &wz, 1);
    value_info(&g, 11, "x", T_FLOAT, 4, DIMS(1, 2, 6, 6));
    node(&g, "DynamicQuantizeLinear", IN("x"), OUT("q", "qs", "qz"), 0, NULL);
    pb ca[] = {attr_ints("pads", 4, DIMS(1, 1, 1, 1))};
    node(&g, "ConvInteger", IN("q", "w", "qz", "wz"), OUT("ci"), 1, ca);
    pb c32[] = {attr_int("to", T_FLOAT)};
    node(&g, "Cast", IN("ci"), OUT("cf"), 1, c32);
    node(&g, "Mul", IN("cf", "qs"), OUT("y"), 0, NULL);
    value_info(&g, 12, "y", T_FLOAT, 4, DIMS(1, 3, 6, 6));
    pb m = model(&g, 13);
    onnx_seed(dir, "quant", &m);
  }
  { /* float16 weights (widened at optimisation), a grouped strided Conv, Relu after Add */
    pb g = {0};
    uint16_t w[4 * 1 * 3 * 3];
    for (int i = 0; i < 36; i++) w[i] = (uint16_t)(0x3400 + (i % 5) * 0x100); /* 0.25.. */
    initializer(&g, "wh", T_FLOAT16, 4, DIMS(4, 1, 3, 3), w, sizeof w);
    value_info(&g, 11, "x", T_FLOAT, 4, DIMS(1, 2, 8, 8));
    pb c16[] = {attr_int("to", T_FLOAT16)};
    node(&g, "Cast", IN("x"), OUT("xh"), 1, c16);
    pb ca[] = {attr_int("group", 2), attr_ints("strides", 2, DIMS(2, 2)),
               attr_ints("pads", 4, DIMS(1, 1, 1, 1)), attr_ints("dilations", 2, DIMS(1, 1))};
    node(&g, "Conv", IN("xh", "wh"), OUT("c"), 4, ca);
    node(&g, "Add", IN("c", "c"), OUT("a"), 0, NULL);
    node(&g, "Relu", IN("a"), OUT("r"), 0, NULL);
    pb c32[] = {attr_int("to", T_FLOAT)};
    node(&g, "Cast", IN("r"), OUT("y"), 1, c32);
    value_info(&g, 12, "y", T_FLOAT, 4, DIMS(1, 4, 4, 4));
    pb m = model(&g, 13);
    onnx_seed(dir, "fp16", &m);
  }
}

/* ---- images and masks ---- */

static ct_img *pattern(int w, int h, int channels) {
  ct_img *im = img_new(w, h, channels);
  if (!im) abort();
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < channels; c++)
        im->data[((size_t)y * w + x) * channels + c] =
            (uint8_t)(c == 3 ? (x * 255 / (w - 1)) : (x * 16 + y * 8 + c * 80));
  return im;
}

/* A soft-edged disc: 0 outside, 255 inside, a ramp between (a mask as a network gives it). */
static ct_img *disc(int w, int h) {
  ct_img *im = img_new(w, h, 1);
  if (!im) abort();
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      float dx = x - w / 2.0f, dy = y - h / 2.0f, r = (dx * dx + dy * dy) / (w * w / 9.0f);
      float v = (1.5f - r) * 255.0f;
      im->data[(size_t)y * w + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
  return im;
}

static void encoded_seed(const char *dir, const char *target, const char *name,
                         const ct_img *im, const char *format) {
  void *buf = NULL;
  size_t len = 0;
  char err[300];
  if (img_encode(im, format, &buf, &len, err, sizeof err)) {
    fprintf(stderr, "fuzz_seeds: %s/%s: %s\n", target, name, err);
    failures++;
    return;
  }
  write_seed(dir, target, name, buf, len);
  free(buf);
}

/* Formats and variants the project's encoder does not write, made by libvips directly.
 * Optional: a libvips built without the saver simply gives no seed. */
typedef int (*vips_saver)(VipsImage *in, void **buf, size_t *len, ...);

static void vips_seed(const char *dir, const char *target, const char *name, VipsImage *in,
                      vips_saver save, const char *option, int value) {
  void *buf = NULL;
  size_t len = 0;
  int rc = option ? save(in, &buf, &len, option, value, NULL) : save(in, &buf, &len, NULL);
  if (rc) {
    fprintf(stderr, "fuzz_seeds: %s/%s skipped (not available in this libvips)\n", target,
            name);
    vips_error_clear();
    return;
  }
  write_seed(dir, target, name, buf, len);
  g_free(buf);
}

static void image_seeds(const char *dir) {
  ct_img *rgb = pattern(16, 12, 3), *rgba = pattern(16, 12, 4), *grey = pattern(16, 12, 1);
  encoded_seed(dir, "image", "rgb.png", rgb, "png");
  encoded_seed(dir, "image", "rgba.png", rgba, "png");
  encoded_seed(dir, "image", "grey.png", grey, "png");
  encoded_seed(dir, "image", "rgb.jpg", rgb, "jpg");
  encoded_seed(dir, "image", "grey.jpg", grey, "jpg");
  encoded_seed(dir, "image", "rgb.webp", rgb, "webp");
  encoded_seed(dir, "image", "rgba.webp", rgba, "webp");
  encoded_seed(dir, "image", "rgb.tif", rgb, "tif");

  VipsImage *v = img_to_vips(rgb), *t = NULL;
  if (v) {
    /* EXIF orientation 6: decoded, then turned upright */
    if (!vips_copy(v, &t, NULL)) {
      vips_image_set_int(t, VIPS_META_ORIENTATION, 6);
      vips_seed(dir, "image", "rot6.jpg", t, vips_jpegsave_buffer, NULL, 0);
      g_object_unref(t);
    }
    /* 16-bit samples */
    if (!vips_linear1(v, &t, 257.0, 0.0, NULL)) {
      VipsImage *u = NULL;
      if (!vips_cast(t, &u, VIPS_FORMAT_USHORT, NULL)) {
        VipsImage *tagged = NULL;
        if (!vips_copy(u, &tagged, "interpretation", VIPS_INTERPRETATION_RGB16, NULL)) {
          vips_seed(dir, "image", "rgb16.png", tagged, vips_pngsave_buffer, NULL, 0);
          vips_seed(dir, "image", "rgb16.tif", tagged, vips_tiffsave_buffer, NULL, 0);
          g_object_unref(tagged);
        }
        g_object_unref(u);
      }
      g_object_unref(t);
    }
    vips_seed(dir, "image", "rgb.gif", v, vips_gifsave_buffer, NULL, 0);
    vips_seed(dir, "image", "palette.png", v, vips_pngsave_buffer, "palette", TRUE);
    vips_seed(dir, "image", "rgb.heic", v, vips_heifsave_buffer, "compression",
              VIPS_FOREIGN_HEIF_COMPRESSION_HEVC);
    vips_seed(dir, "image", "rgb.jp2", v, vips_jp2ksave_buffer, NULL, 0);
    g_object_unref(v);
  } else {
    vips_error_clear();
  }
  /* Over the fuzz targets' 4-megapixel limit: refused from the header. */
  VipsImage *big = NULL;
  if (!vips_black(&big, 2100, 2000, NULL)) {
    VipsImage *b8 = NULL;
    if (!vips_cast(big, &b8, VIPS_FORMAT_UCHAR, NULL)) {
      vips_seed(dir, "image", "huge.png", b8, vips_pngsave_buffer, "compression", 9);
      g_object_unref(b8);
    }
    g_object_unref(big);
  }
  /* Text formats libvips sniffs from their first bytes. */
  char ppm[64 + 4 * 3 * 3];
  int n = snprintf(ppm, 64, "P6\n4 3\n255\n");
  for (int i = 0; i < 36; i++) ppm[n + i] = (char)(i * 7);
  write_seed(dir, "image", "rgb.ppm", ppm, (size_t)n + 36);
  static const char pgm[] = "P2\n3 2\n255\n0 128 255\n255 128 0\n";
  write_seed(dir, "image", "grey.pgm", pgm, sizeof pgm - 1);
  static const char svg[] =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"6\">"
      "<rect width=\"4\" height=\"6\" fill=\"#f00\"/></svg>\n";
  write_seed(dir, "image", "rect.svg", svg, sizeof svg - 1);
  /* A truncated PNG: the decoder must fail, not pad. */
  void *buf = NULL;
  size_t len = 0;
  char err[300];
  if (!img_encode(rgb, "png", &buf, &len, err, sizeof err)) {
    write_seed(dir, "image", "truncated.png", buf, len * 2 / 3);
    free(buf);
  }
  img_free(rgb);
  img_free(rgba);
  img_free(grey);
}

static void mask_seeds(const char *dir) {
  ct_img *m = disc(32, 32), *tri = img_new(24, 24, 1), *rgb = pattern(16, 16, 3);
  if (!tri) abort();
  for (int y = 0; y < 24; y++)
    for (int x = 0; x < 24; x++)
      tri->data[y * 24 + x] = x < 8 ? 0 : x < 16 ? 128 : 255;
  encoded_seed(dir, "mask", "disc.png", m, "png");
  encoded_seed(dir, "mask", "disc.jpg", m, "jpg");
  encoded_seed(dir, "mask", "disc.webp", m, "webp");
  encoded_seed(dir, "mask", "trimap.png", tri, "png");
  encoded_seed(dir, "mask", "rgb.png", rgb, "png");
  VipsImage *v = img_to_vips(m);
  if (v) {
    VipsImage *t = NULL;
    if (!vips_bandjoin2(v, v, &t, NULL)) { /* grey + alpha */
      vips_seed(dir, "mask", "grey-alpha.png", t, vips_pngsave_buffer, NULL, 0);
      g_object_unref(t);
    }
    if (!vips_cast(v, &t, VIPS_FORMAT_USHORT, NULL)) {
      VipsImage *tagged = NULL;
      if (!vips_copy(t, &tagged, "interpretation", VIPS_INTERPRETATION_GREY16, NULL)) {
        vips_seed(dir, "mask", "grey16.png", tagged, vips_pngsave_buffer, NULL, 0);
        g_object_unref(tagged);
      }
      g_object_unref(t);
    }
    g_object_unref(v);
  } else {
    vips_error_clear();
  }
  img_free(m);
  img_free(tri);
  img_free(rgb);
}

static void safetensors_seeds(const char *dir) {
  float w[2 * 3 * 3 * 3];
  for (int i = 0; i < 54; i++) w[i] = (float)i / 7 - 3;
  uint16_t half[4] = {0x3c00, 0xc000, 0x0001, 0x7c00};
  int64_t steps[1] = {1234};
  st_tensor ts[] = {
      {.name = "enc.0.weight", .dtype = ST_F32, .ndim = 4, .shape = {2, 3, 3, 3}, .data = w,
       .nbytes = sizeof w},
      {.name = "enc.0.bias", .dtype = ST_F32, .ndim = 1, .shape = {2}, .data = w,
       .nbytes = 8},
      {.name = "half", .dtype = ST_F16, .ndim = 2, .shape = {2, 2}, .data = half,
       .nbytes = sizeof half},
      {.name = "bf", .dtype = ST_BF16, .ndim = 1, .shape = {4}, .data = half,
       .nbytes = sizeof half},
      {.name = "step", .dtype = ST_I64, .ndim = 0, .data = steps, .nbytes = 8},
      {.name = "empty", .dtype = ST_F32, .ndim = 2, .shape = {0, 3}, .data = w, .nbytes = 0}};
  st_meta meta[] = {{"arch", "unet"}, {"epoch", "3"}};
  struct {
    const char *name;
    int n, nmeta;
  } files[] = {{"full", 6, 2}, {"one", 1, 0}, {"meta", 0, 2}};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char path[4096];
    nn_err err;
    snprintf(path, sizeof path, "%s/safetensors/seed-%s.safetensors", dir, files[i].name);
    if (st_write(path, ts, files[i].n, meta, files[i].nmeta, &err)) {
      fprintf(stderr, "fuzz_seeds: %s\n", err.msg);
      failures++;
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR (writes DIR/onnx, DIR/image, DIR/mask, DIR/safetensors)\n",
            argv[0]);
    return 2;
  }
  const char *dir = argv[1];
  char err[300];
  if (img_init(argv[0], err, sizeof err)) {
    fprintf(stderr, "fuzz_seeds: %s\n", err);
    return 1;
  }
  char sub[4096];
  if (make_dir(dir)) return 1;
  const char *targets[] = {"onnx", "image", "mask", "safetensors"};
  for (int i = 0; i < 4; i++) {
    snprintf(sub, sizeof sub, "%s/%s", dir, targets[i]);
    if (make_dir(sub)) return 1;
  }
  nn_set_threads(1);
  onnx_seeds(dir);
  image_seeds(dir);
  mask_seeds(dir);
  safetensors_seeds(dir);
  if (failures) {
    fprintf(stderr, "fuzz_seeds: %d seeds could not be made\n", failures);
    return 1;
  }
  printf("fuzz_seeds: seeds written under %s\n", dir);
  return 0;
}
