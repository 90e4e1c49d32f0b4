/* Batch path arithmetic: photo names, relative paths folded and refused when they climb
 * out or are absolute, absolute paths placed under a base, and output names. */
#include <string.h>

#include "batch/paths.h"
#include "check.h"

static int rel_is(const char *in, const char *want) {
  char out[256];
  int rc = bt_rel_normalize(in, out, sizeof out);
  if (rc || strcmp(out, want)) {
    fprintf(stderr, "rel '%s' -> %d '%s', expected '%s'\n", in, rc, out, want);
    return 0;
  }
  return 1;
}

static int rel_refused(const char *in, int code) {
  char out[256] = "x";
  int rc = bt_rel_normalize(in, out, sizeof out);
  if (rc != code) fprintf(stderr, "rel '%s' -> %d '%s', expected refusal %d\n", in, rc, out, code);
  return rc == code && out[0] == 0;
}

static void test_names(void) {
  CHECK(bt_is_image_name("a.jpg", 0));
  CHECK(bt_is_image_name("dir/A.JPEG", 0));
  CHECK(bt_is_image_name("x.Png", 0));
  CHECK(bt_is_image_name("x.webp", 0) && bt_is_image_name("x.tif", 0) &&
        bt_is_image_name("x.TIFF", 0));
  CHECK(!bt_is_image_name("x.heic", 0) && bt_is_image_name("x.heic", 1) &&
        bt_is_image_name("x.HEIF", 1));
  CHECK(!bt_is_image_name("notes.txt", 1));
  CHECK(!bt_is_image_name("jpg", 1));
  CHECK(!bt_is_image_name(".jpg", 1)); /* a hidden file named "jpg", no extension */
  CHECK(!bt_is_image_name("a.jpg.tmp", 1));
  CHECK(!bt_is_image_name("dir.jpg/file", 1));
}

static void test_relative(void) {
  CHECK(rel_is("a.jpg", "a.jpg"));
  CHECK(rel_is("./a/b.jpg", "a/b.jpg"));
  CHECK(rel_is("a//b/./c.jpg", "a/b/c.jpg"));
  CHECK(rel_is("a/x/../b.jpg", "a/b.jpg"));
  CHECK(rel_is("a/b/../../c.jpg", "c.jpg"));
  CHECK(rel_is("a/b.jpg/", "a/b.jpg"));
  CHECK(rel_is("..a/b..jpg", "..a/b..jpg")); /* dots inside names are names */
  CHECK(rel_refused("../a.jpg", BT_PATH_ESCAPES));
  CHECK(rel_refused("a/../../b.jpg", BT_PATH_ESCAPES));
  CHECK(rel_refused("./../a.jpg", BT_PATH_ESCAPES));
  CHECK(rel_refused("a/b/../../../etc/passwd", BT_PATH_ESCAPES));
  CHECK(rel_refused("..", BT_PATH_ESCAPES));
  CHECK(rel_refused("/etc/passwd", BT_PATH_ABSOLUTE));
  CHECK(rel_refused("//x.jpg", BT_PATH_ABSOLUTE));
  CHECK(rel_refused("", BT_PATH_EMPTY));
  CHECK(rel_refused(".", BT_PATH_EMPTY));
  CHECK(rel_refused("a/..", BT_PATH_EMPTY));
  char small[6];
  CHECK(bt_rel_normalize("abc/def.jpg", small, sizeof small) == BT_PATH_TOO_LONG);
  CHECK(strlen(bt_path_error(BT_PATH_ESCAPES)) > 0);
}

static void test_absolute(void) {
  char out[256], rel[256];
  CHECK(bt_abs_normalize("/a/./b//c/../d.jpg", out, sizeof out) == 0 &&
        !strcmp(out, "/a/b/d.jpg"));
  CHECK(bt_abs_normalize("/../..", out, sizeof out) == 0 && !strcmp(out, "/"));
  CHECK(bt_abs_normalize("/x/../../y", out, sizeof out) == 0 && !strcmp(out, "/y"));
  CHECK(bt_abs_normalize("rel/x", out, sizeof out) == BT_PATH_ABSOLUTE);
  CHECK(bt_rel_under("/data/photos/a/b.jpg", "/data/photos", rel, sizeof rel) == 0 &&
        !strcmp(rel, "a/b.jpg"));
  CHECK(bt_rel_under("/data/photos2/b.jpg", "/data/photos", rel, sizeof rel) != 0);
  CHECK(bt_rel_under("/data/photos", "/data/photos", rel, sizeof rel) != 0);
  CHECK(bt_rel_under("/data/photos/", "/data/photos", rel, sizeof rel) != 0);
  CHECK(bt_rel_under("/etc/passwd", "/data/photos", rel, sizeof rel) != 0);
  CHECK(bt_rel_under("/a.jpg", "/", rel, sizeof rel) == 0 && !strcmp(rel, "a.jpg"));
}

static int out_is(const char *rel, const char *ext, int keep, const char *want) {
  char out[256];
  if (bt_output_rel(rel, ext, keep, out, sizeof out) || strcmp(out, want)) {
    fprintf(stderr, "output of '%s' -> '%s', expected '%s'\n", rel, out, want);
    return 0;
  }
  return 1;
}

static void test_outputs(void) {
  CHECK(out_is("a.jpg", "png", 0, "a.png"));
  CHECK(out_is("dir/sub/photo.JPEG", "webp", 0, "dir/sub/photo.webp"));
  CHECK(out_is("a.b.c.jpg", "png", 0, "a.b.c.png"));
  CHECK(out_is("dir.x/noext", "png", 0, "dir.x/noext.png")); /* the folder's dot is not it */
  CHECK(out_is("dir/.hidden", "png", 0, "dir/.hidden.png"));
  CHECK(out_is("a.jpg", "png", 1, "a.jpg.png"));
  CHECK(out_is("a.png", "png", 1, "a.png.png"));
  char tiny[5];
  CHECK(bt_output_rel("abc.jpg", "png", 0, tiny, sizeof tiny) != 0);
}

int main(void) {
  test_names();
  test_relative();
  test_absolute();
  test_outputs();
  return CHECK_DONE();
}
