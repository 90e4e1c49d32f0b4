/* safetensors: the spec's example bytes, a round trip through st_write, every malformed field
 * refused with a message, and an interrupted write (file-size limit) leaving the old
 * checkpoint as it was and no temporary file. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "train/safetensors.h"

/* header length (8 bytes LE), then the header, then data */
static size_t make(uint8_t *buf, const char *header, const void *data, size_t n) {
  size_t h = strlen(header);
  for (int i = 0; i < 8; i++) buf[i] = (uint8_t)((uint64_t)h >> (8 * i));
  memcpy(buf + 8, header, h);
  memcpy(buf + 8 + h, data, n);
  return 8 + h + n;
}

static void refused(const char *header, const void *data, size_t n, const char *what) {
  uint8_t buf[1024];
  size_t size = make(buf, header, data, n);
  st_file f;
  nn_err err = {0};
  int rc = st_parse(buf, size, &f, &err);
  CHECK(rc == NN_EFORMAT);
  CHECK(strstr(err.msg, what) != NULL);
  if (!strstr(err.msg, what)) fprintf(stderr, "  %s -> '%s'\n", header, err.msg);
  CHECK(f.count == 0 && f.tensors == NULL);
}

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.';
  if (d) closedir(d);
  return n;
}

int main(void) {
  /* the example of the format's documentation, extended with metadata and an F16 tensor */
  float a[4] = {1.5f, -2.0f, 0.25f, 3.0e-3f};
  uint16_t h[2] = {0x3c00, 0xc000}; /* 1.0, -2.0 in half precision */
  uint8_t data[20];
  memcpy(data, a, 16);
  memcpy(data + 16, h, 4);
  uint8_t buf[1024];
  size_t size = make(buf, "{\"__metadata__\":{\"step\":\"12\"},"
                          "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                          "\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[16,20]}}  ",
                     data, 20);
  st_file f;
  nn_err err = {0};
  CHECK(st_parse(buf, size, &f, &err) == NN_OK);
  CHECK(f.count == 2 && f.nmeta == 1);
  const st_tensor *w = st_find(&f, "w"), *b = st_find(&f, "b");
  CHECK(w && b && !st_find(&f, "x"));
  if (w && b) {
    CHECK(w->dtype == ST_F32 && w->ndim == 2 && w->shape[0] == 2 && w->shape[1] == 2);
    float got[4], gb[2];
    CHECK(st_to_float(w, got, 4, &err) == NN_OK && !memcmp(got, a, 16));
    CHECK(st_to_float(b, gb, 2, &err) == NN_OK && gb[0] == 1.0f && gb[1] == -2.0f);
    CHECK(st_to_float(w, got, 3, &err) == NN_EINVAL); /* wrong count */
  }
  CHECK(f.nmeta == 1 && !strcmp(f.meta[0].key, "step") && !strcmp(f.meta[0].value, "12"));
  st_free(&f);

  /* malformed files */
  refused("{\"w\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", a, 4, "unknown dtype");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", a, 4, "needs 8");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", a, 4, "inside");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", a, 4, "inside");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", a, 4, "whole");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", a, 4, "whole");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],"
          "\"data_offsets\":[0,4]}}", a, 4, "overflows");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
          "\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", a, 8, "overlaps");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", a, 8, "hole");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", a, 8, "after the last");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
          "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", a, 8, "two tensors");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", a, 4, "needs dtype");
  refused("{\"__metadata__\":{\"k\":1}}", a, 0, "strings");
  refused("[1,2]", a, 0, "not a JSON object");
  refused("{\"w\":", a, 0, "valid JSON");
  refused("{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", a, 4,
          "dimensions");
  {
    uint8_t big[16] = {0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, '{', '}'};
    CHECK(st_parse(big, sizeof big, &f, &err) == NN_EFORMAT && strstr(err.msg, "header of"));
    CHECK(st_parse(big, 5, &f, &err) == NN_EFORMAT && strstr(err.msg, "too short"));
  }

  /* round trip */
  char dir[] = "/tmp/cutout-st-XXXXXX", path[64];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/ckpt.safetensors", dir);
  float big[3000];
  for (int i = 0; i < 3000; i++) big[i] = (float)i * 0.5f - 7;
  st_tensor ts[3] = {
      {.name = "enc.0.weight", .dtype = ST_F32, .ndim = 4, .shape = {10, 3, 10, 10},
       .data = big, .nbytes = sizeof big},
      {.name = "scalar", .dtype = ST_F32, .ndim = 0, .data = a, .nbytes = 4},
      {.name = "empty", .dtype = ST_F32, .ndim = 2, .shape = {0, 5}, .data = a, .nbytes = 0}};
  st_meta meta[2] = {{"epoch", "3"}, {"arch", "unet"}};
  CHECK(st_write(path, ts, 3, meta, 2, &err) == NN_OK);
  CHECK(st_read(path, &f, &err) == NN_OK);
  CHECK(f.count == 3 && f.nmeta == 2);
  for (int i = 0; i < 3 && f.count == 3; i++) {
    const st_tensor *t = st_find(&f, ts[i].name);
    CHECK(t && t->ndim == ts[i].ndim && t->nbytes == ts[i].nbytes &&
          !memcmp(t->data, ts[i].data, t->nbytes) &&
          !memcmp(t->shape, ts[i].shape, sizeof(int64_t) * (size_t)t->ndim));
  }
  /* the data starts at an offset that is a multiple of 8 */
  CHECK(f.count && ((const uint8_t *)f.tensors[0].data - (const uint8_t *)f.owned_bytes) % 8 == 0);
  st_free(&f);
  st_tensor bad = ts[0];
  bad.nbytes -= 4;
  CHECK(st_write(path, &bad, 1, NULL, 0, &err) == NN_EINVAL);

  /* a write cut short by the file-size limit fails cleanly and keeps the old checkpoint */
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit old, lim;
  getrlimit(RLIMIT_FSIZE, &old);
  lim = old;
  lim.rlim_cur = 4096;
  CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
  float huge[4096] = {0};
  st_tensor ht = {.name = "h", .dtype = ST_F32, .ndim = 1, .shape = {4096}, .data = huge,
                  .nbytes = sizeof huge};
  CHECK(st_write(path, &ht, 1, NULL, 0, &err) == NN_EIO);
  CHECK(strstr(err.msg, "cannot write") != NULL);
  setrlimit(RLIMIT_FSIZE, &old);
  CHECK(count_files(dir) == 1); /* no temporary file left */
  CHECK(st_read(path, &f, &err) == NN_OK && f.count == 3);
  st_free(&f);
  snprintf(path, sizeof path, "%s/missing/x.safetensors", dir);
  CHECK(st_write(path, ts, 1, NULL, 0, &err) == NN_EIO);
  CHECK(st_read(path, &f, &err) == NN_EIO);
  CHECK(st_read(dir, &f, &err) == NN_EIO);

  snprintf(path, sizeof path, "%s/ckpt.safetensors", dir);
  unlink(path);
  rmdir(dir);
  return CHECK_DONE();
}
