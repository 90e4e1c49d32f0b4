/* Batch runs with a stand-in for the network: outputs of the right size at the mirrored
 * paths, failures reported with the exit status, reruns that skip complete outputs without
 * rewriting them (and redo damaged ones), --overwrite, a stop mid-run, a model that cannot
 * load, name clashes, shards sharing one output folder, leftovers of interrupted writes. */
#include <signal.h>

#include "batch_fixture.h"

/* in/a.jpg, in/sub/b.png, in/sub/deep/c.webp, a hidden folder, a text file, a broken jpg */
static void make_inputs(void) {
  photo("in/a.jpg", 40, 30);
  photo("in/sub/b.png", 30, 20);
  photo("in/sub/deep/c.webp", 24, 16);
  photo("in/.hidden/h.jpg", 10, 10);
  text_file("in/notes.txt", "not a photo\n");
  text_file("in/sub/broken.jpg", "not a jpeg either\n");
}

static int outputs_valid(const char *out) {
  char a[64], b[64], c[64];
  snprintf(a, sizeof a, "%s/a.png", out);
  snprintf(b, sizeof b, "%s/sub/b.png", out);
  snprintf(c, sizeof c, "%s/sub/deep/c.png", out);
  return image_is(a, 40, 30, 4) && image_is(b, 30, 20, 4) && image_is(c, 24, 16, 4);
}

static void test_first_run_and_rerun(void) {
  int rc = run(config("in", "out"));
  CHECK(rc == 1); /* the broken photo */
  CHECK(fake_calls == 3);
  CHECK(outputs_valid("out"));
  CHECK(!exists("out/.hidden") && !exists("out/notes.png") && !exists("out/sub/broken.png"));
  CHECK(files_under("out") == 3);
  CHECK(temps_left() == 0);
  CHECK(logged("failed sub/broken.jpg: "));
  CHECK(logged("4 images: 3 done, 0 skipped (already complete), 1 failed"));
  CHECK(logged("failed:\n  sub/broken.jpg: "));

  stamp sa = stamp_of("out/a.png"), sb = stamp_of("out/sub/b.png"),
        sc = stamp_of("out/sub/deep/c.png");
  rc = run(config("in", "out"));
  CHECK(rc == 1);
  CHECK(fake_calls == 0); /* nothing to do but the broken one */
  CHECK(same_stamp(sa, stamp_of("out/a.png")));
  CHECK(same_stamp(sb, stamp_of("out/sub/b.png")));
  CHECK(same_stamp(sc, stamp_of("out/sub/deep/c.png")));
  CHECK(logged("0 done, 3 skipped (already complete), 1 failed"));
  CHECK(logged("skipped a.jpg: "));

  /* Damaged outputs are redone: a truncated PNG, one of the wrong size, a greyscale one. */
  CHECK(truncate(at("out/a.png"), 100) == 0);
  photo("out/sub/b.png", 31, 20);
  {
    unsigned char g[24 * 16] = {0};
    ct_image *im;
    ct_error err;
    ct_image_from_pixels(g, 24, 16, 1, 24, &im, &err);
    ct_image_save(im, at("out/sub/deep/c.png"), &err);
    ct_image_free(im);
  }
  rc = run(config("in", "out"));
  CHECK(rc == 1);
  CHECK(fake_calls == 3);
  CHECK(outputs_valid("out"));

  /* --overwrite redoes complete outputs. */
  sa = stamp_of("out/a.png");
  bt_config c = config("in", "out");
  c.overwrite = 1;
  rc = run(c);
  CHECK(fake_calls == 3);
  CHECK(!same_stamp(sa, stamp_of("out/a.png")));
  CHECK(outputs_valid("out"));
  CHECK(temps_left() == 0);

  /* Without the broken photo, all is well: status 0. */
  unlink(at("in/sub/broken.jpg"));
  rc = run(config("in", "out"));
  CHECK(rc == 0);
  CHECK(logged("3 images: 0 done, 3 skipped"));
}

static void test_output_inside_input(void) {
  /* OUT_DIR inside IN_DIR: outputs are not taken for inputs, on the first run or later. */
  int rc = run(config("in", "in/cut"));
  CHECK(rc == 0);
  CHECK(fake_calls == 3);
  CHECK(logged("3 images from"));
  rc = run(config("in", "in/cut"));
  CHECK(rc == 0 && fake_calls == 0);
  CHECK(logged("3 images: 0 done, 3 skipped"));
  CHECK(files_under("in/cut") == 3);
  remove_tree("in/cut");
}

static void test_formats_and_masks(void) {
  bt_config c = config("in", "masks");
  c.format = "webp";
  c.opts.mask_only = 1;
  CHECK(run(c) == 0 && fake_calls == 3);
  CHECK(exists("masks/a.webp") && exists("masks/sub/deep/c.webp"));
  CHECK(run(c) == 0 && fake_calls == 0); /* a greyscale WebP reads back as RGB: still complete */
  c.format = "tif";
  CHECK(run(c) == 0 && fake_calls == 3);
  CHECK(image_is("masks/sub/b.tif", 30, 20, 1));
  c.format = "jpg";
  c.opts.mask_only = 0;
  CHECK(run(c) == 2); /* JPEG cannot hold the transparency */
  c.opts.bg_color[0] = 255, c.opts.bg_color[3] = 255;
  CHECK(run(c) == 0 && fake_calls == 3);
  CHECK(image_is("masks/a.jpg", 40, 30, 3));
  CHECK(run(c) == 0 && fake_calls == 0);
  c.format = "gif";
  CHECK(run(c) == 2);
}

static void test_orientation(void) {
  /* A photo whose EXIF turns it: the output has the turned size, and counts as complete. */
  photo("rot/src.jpg", 40, 20);
  VipsImage *v = vips_image_new_from_file(at("rot/src.jpg"), NULL), *copy = NULL;
  CHECK(v && vips_copy(v, &copy, NULL) == 0);
  vips_image_set_int(copy, "orientation", 6);
  mkdirs("rot/in");
  CHECK(vips_jpegsave(copy, at("rot/in/turned.jpg"), NULL) == 0);
  g_object_unref(copy);
  g_object_unref(v);
  CHECK(run(config("rot/in", "rot/out")) == 0 && fake_calls == 1);
  CHECK(image_is("rot/out/turned.png", 20, 40, 4));
  CHECK(run(config("rot/in", "rot/out")) == 0 && fake_calls == 0);
}

static void test_stop(void) {
  for (int i = 1; i <= 6; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "six/in/p%d.jpg", i);
    photo(rel, 16 + i, 12);
  }
  /* The stop asked for during the second photo's network run (as Ctrl-C would): that photo
   * is finished, no other is started. */
  bt_config c = config("six/in", "six/out");
  c.jobs = 1;
  fake_stop_at = 2;
  CHECK(run(c) == 130);
  fake_stop_at = 0;
  CHECK(fake_calls == 2);
  CHECK(files_under("six/out") == 2);
  CHECK(image_is("six/out/p1.png", 17, 12, 4) && image_is("six/out/p2.png", 18, 12, 4));
  CHECK(temps_left() == 0);
  CHECK(logged("2 done, 0 skipped (already complete), 0 failed, 4 not done"));
  CHECK(logged("stopped by a signal"));
  stamp s1 = stamp_of("six/out/p1.png");
  /* The rerun finishes: the two skipped, four done, none twice. */
  c.jobs = 3;
  CHECK(run(c) == 0);
  CHECK(fake_calls == 4);
  CHECK(logged("4 done, 2 skipped"));
  CHECK(same_stamp(s1, stamp_of("six/out/p1.png")));
  CHECK(files_under("six/out") == 6);
  for (int i = 1; i <= 6; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "six/out/p%d.png", i);
    CHECK(image_is(rel, 16 + i, 12, 4));
  }
}

static void test_fatal(void) {
  fake_fatal = 1;
  bt_config c = config("six/in", "fatal/out");
  CHECK(run(c) == 1);
  fake_fatal = 0;
  CHECK(fake_calls >= 1 && fake_calls <= 2); /* the workers stop at the first failure */
  CHECK(files_under("fatal/out") == 0);
  CHECK(logged("stopped: cannot load the model 'fake.onnx'"));
}

static void test_clashes(void) {
  photo("clash/in/a.jpg", 10, 8);
  photo("clash/in/a.png", 12, 8);
  photo("clash/in/b.jpg", 14, 8);
  CHECK(run(config("clash/in", "clash/out")) == 1);
  CHECK(fake_calls == 1);
  CHECK(!exists("clash/out/a.png") && exists("clash/out/b.png"));
  CHECK(logged("'a.jpg' and 'a.png' all map to output 'a.png'"));
  bt_config c = config("clash/in", "clash/out");
  c.keep_ext = 1;
  CHECK(run(c) == 0 && fake_calls == 3);
  CHECK(image_is("clash/out/a.jpg.png", 10, 8, 4) && image_is("clash/out/a.png.png", 12, 8, 4));
}

static void test_shards(void) {
  for (int i = 0; i < 40; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "many/in/d%d/x%02d.png", i % 3, i);
    photo(rel, 8, 8);
  }
  int total = 0;
  for (int k = 0; k < 4; k++) {
    bt_shard sh = {.index = k, .count = 4};
    bt_config c = config("many/in", "many/out");
    c.shard = &sh;
    int before = files_under("many/out");
    CHECK(run(c) == 0);
    total += fake_calls;
    CHECK(files_under("many/out") == before + fake_calls); /* each its own, none twice */
  }
  CHECK(total == 40);
  CHECK(files_under("many/out") == 40);
  /* Once all shards are done, any shard's rerun finds nothing to do. */
  bt_shard sh = {.index = 1, .count = 4};
  bt_config c = config("many/in", "many/out");
  c.shard = &sh;
  CHECK(run(c) == 0 && fake_calls == 0);
}

static void test_leftover_temps(void) {
  /* A write interrupted by a crash leaves ".NAME.PID.XXXXXXXX.tmp": removed when its
   * process is gone and NAME is one of this run's outputs; left otherwise. */
  long dead = 0;
  for (long pid = 4000000; pid > 3000000 && !dead; pid -= 7919)
    if (kill((pid_t)pid, 0) != 0) dead = pid;
  CHECK(dead != 0);
  photo("tmp/in/a.jpg", 10, 10);
  mkdirs("tmp/out");
  char name[128];
  snprintf(name, sizeof name, "tmp/out/.a.png.%ld.0000abcd.tmp", dead);
  text_file(name, "half");
  snprintf(name, sizeof name, "tmp/out/.other.png.%ld.0000abcd.tmp", dead);
  text_file(name, "someone else's");
  char mine[128];
  snprintf(mine, sizeof mine, "tmp/out/.a.png.%ld.0000abce.tmp", (long)getpid());
  text_file(mine, "a write in progress");
  CHECK(run(config("tmp/in", "tmp/out")) == 0);
  snprintf(name, sizeof name, "tmp/out/.a.png.%ld.0000abcd.tmp", dead);
  CHECK(!exists(name));
  snprintf(name, sizeof name, "tmp/out/.other.png.%ld.0000abcd.tmp", dead);
  CHECK(exists(name));
  CHECK(exists(mine));
  CHECK(logged("removed 1 temporary file left by an interrupted run"));
  CHECK(image_is("tmp/out/a.png", 10, 10, 4));
  unlink(at(name));
  unlink(at(mine));
}

int main(void) {
  scratch_open();
  make_inputs();
  test_first_run_and_rerun();
  test_output_inside_input();
  test_formats_and_masks();
  test_orientation();
  test_stop();
  test_fatal();
  test_clashes();
  test_shards();
  test_leftover_temps();
  int rc = CHECK_DONE();
  if (rc == 0) scratch_close();
  else fprintf(stderr, "scratch folder kept: %s\n", scratch);
  return rc;
}
