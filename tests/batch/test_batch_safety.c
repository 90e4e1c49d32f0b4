/* Batch runs never write outside the output folder and never touch an input: list entries
 * that climb out ('..') or lie outside are refused, a link inside the output folder that
 * leads elsewhere is refused, an output folder that is (or holds) the input folder is
 * refused, and so is an output that would replace an input. */
#include "batch_fixture.h"

static bt_config list_config(const char *list_rel, const char *in_rel, const char *out_rel) {
  bt_config c = config(in_rel, out_rel);
  static char list[512];
  snprintf(list, sizeof list, "%s", at(list_rel));
  c.list = list;
  return c;
}

static void test_list_traversal(void) {
  photo("victim/v.jpg", 10, 10);   /* beside the list's folder */
  photo("lists/pics/ok.jpg", 12, 10);
  photo("lists/pics/ok2.png", 14, 10);
  photo("lists/deep/x/y.jpg", 16, 10);
  char text[2048];
  snprintf(text, sizeof text,
           "# photos to do\n"
           "\n"
           "pics/ok.jpg\n"
           "pics/../pics/ok2.png\r\n"   /* folds inside: fine */
           "../victim/v.jpg\n"          /* climbs out */
           "deep/x/../../../victim/v.jpg\n"
           "%s\n"                       /* absolute, outside the list's folder */
           "/etc/passwd\n"
           "%s/lists/deep/x/y.jpg\n"    /* absolute, inside: fine */
           "missing.jpg\n"
           "pics/ok.jpg\n",             /* repeated */
           at("victim/v.jpg"), scratch);
  text_file("lists/list.txt", text);
  int rc = run(list_config("lists/list.txt", NULL, "lout"));
  CHECK(rc == 1);
  CHECK(fake_calls == 3);
  CHECK(image_is("lout/pics/ok.png", 12, 10, 4));
  CHECK(image_is("lout/pics/ok2.png", 14, 10, 4));
  CHECK(image_is("lout/deep/x/y.png", 16, 10, 4));
  CHECK(files_under("lout") == 3);
  CHECK(files_under("victim") == 1); /* nothing written beside the victim */
  CHECK(!exists("v.png") && !exists("victim/v.png") && !exists("lists/v.png"));
  CHECK(logged("list entry '../victim/v.jpg' climbs out of its folder with '..': refused"));
  CHECK(logged("list entry 'deep/x/../../../victim/v.jpg' climbs out"));
  CHECK(logged("'/etc/passwd' is outside"));
  CHECK(logged("victim/v.jpg' is outside"));
  CHECK(logged("cannot open"));
  CHECK(logged("1 repeated list entry taken once"));
  CHECK(logged("8 images: 3 done, 0 skipped (already complete), 5 failed"));
  CHECK(temps_left() == 0);

  /* With IN_DIR, list paths are taken from it; absolute ones must lie inside it. */
  snprintf(text, sizeof text, "ok.jpg\n%s\n%s\n", at("lists/pics/ok2.png"),
           at("lists/deep/x/y.jpg"));
  text_file("list2.txt", text);
  rc = run(list_config("list2.txt", "lists/pics", "lout2"));
  CHECK(rc == 1);
  CHECK(fake_calls == 2);
  CHECK(image_is("lout2/ok.png", 12, 10, 4) && image_is("lout2/ok2.png", 14, 10, 4));
  CHECK(files_under("lout2") == 2);
  CHECK(logged("deep/x/y.jpg' is outside"));
}

static void test_symlinks_out(void) {
  photo("sin/a.jpg", 10, 10);
  photo("sin/sub/b.jpg", 10, 10);
  photo("sin/in2/c.jpg", 10, 10);
  mkdirs("elsewhere");
  mkdirs("sout/ok-target");
  /* sout/sub leads outside; sout/in2 leads inside the output folder (allowed) */
  CHECK(symlink(at("elsewhere"), at("sout/sub")) == 0);
  CHECK(symlink("ok-target", at("sout/in2")) == 0);
  /* an output that exists as a link to a file elsewhere */
  text_file("elsewhere/target.png", "precious");
  CHECK(symlink(at("elsewhere/target.png"), at("sout/a.png")) == 0);
  int rc = run(config("sin", "sout"));
  CHECK(rc == 1);
  CHECK(fake_calls == 1);
  CHECK(files_under("elsewhere") == 1); /* only target.png, unchanged */
  FILE *f = fopen(at("elsewhere/target.png"), "r");
  char buf[32] = "";
  if (f) {
    CHECK(fgets(buf, sizeof buf, f) != NULL);
    fclose(f);
  }
  CHECK(!strcmp(buf, "precious"));
  CHECK(image_is("sout/ok-target/c.png", 10, 10, 4));
  CHECK(logged("is a link to a folder outside the output folder"));
  CHECK(logged("exists as a symbolic link"));
  CHECK(temps_left() == 0);
}

static void test_folders(void) {
  photo("same/a.jpg", 10, 10);
  photo("same/b.png", 10, 10);
  int before = files_under("same");
  /* the input folder itself, by its name, with a trailing '/', or through a link */
  CHECK(run(config("same", "same")) == 2);
  CHECK(logged("is the input folder"));
  CHECK(run(config("same", "same/")) == 2);
  CHECK(symlink(at("same"), at("same-link")) == 0);
  CHECK(run(config("same", "same-link")) == 2);
  /* a folder holding the input folder */
  CHECK(run(config("same", ".")) == 2);
  CHECK(logged("lies inside the output folder"));
  CHECK(files_under("same") == before);
  CHECK(fake_calls == 0);
  /* a missing input folder, or a file */
  CHECK(run(config("nothing-here", "o")) == 2);
  CHECK(run(config("same/a.jpg", "o")) == 2);
  CHECK(logged("is not a folder"));
}

static void test_output_is_input(void) {
  /* A list whose output folder is its own folder: the output of p.png would be p.png. */
  photo("both/p.png", 10, 10);
  photo("both/q.jpg", 12, 10);
  text_file("both/list.txt", "p.png\nq.jpg\n");
  stamp sp = stamp_of("both/p.png");
  int rc = run(list_config("both/list.txt", NULL, "both"));
  CHECK(rc == 1);
  CHECK(fake_calls == 0 || fake_calls == 1);
  CHECK(same_stamp(sp, stamp_of("both/p.png")));
  CHECK(image_is("both/p.png", 10, 10, 3)); /* still the photo */
  CHECK(logged("is one of the input photos"));
  CHECK(image_is("both/q.png", 12, 10, 4)); /* the other one is fine */
  /* the same through a hard link to an input elsewhere */
  photo("hl/in/r.jpg", 10, 10);
  photo("hl/other.png", 10, 10);
  mkdirs("hl/out/in");
  text_file("hl/list.txt", "in/r.jpg\nother.png\n");
  CHECK(link(at("hl/other.png"), at("hl/out/in/r.png")) == 0);
  stamp so = stamp_of("hl/other.png");
  rc = run(list_config("hl/list.txt", NULL, "hl/out"));
  CHECK(rc == 1);
  CHECK(same_stamp(so, stamp_of("hl/other.png")));
  CHECK(logged("failed in/r.jpg: refused: the output"));
  CHECK(image_is("hl/out/other.png", 10, 10, 4));
}

int main(void) {
  scratch_open();
  test_list_traversal();
  test_symlinks_out();
  test_folders();
  test_output_is_input();
  int rc = CHECK_DONE();
  if (rc == 0) scratch_close();
  else fprintf(stderr, "scratch folder kept: %s\n", scratch);
  return rc;
}
