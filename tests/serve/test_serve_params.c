/* The parameters of POST /api/remove and /api/instances: names, values, colours, booleans,
 * the checks made when they are all known, which endpoint takes which; and base64. */
#include <string.h>

#include "check.h"
#include "serve/base64.h"
#include "serve/params.h"

static int set(sv_params *p, const char *name, const char *value) {
  char err[400];
  return sv_param_set(p, name, value, err, sizeof err);
}

static int color_is(const char *s, int r, int g, int b, int a) {
  uint8_t c[4] = {1, 2, 3, 4};
  return sv_parse_color(s, c) == 0 && c[0] == r && c[1] == g && c[2] == b && c[3] == a;
}

static void test_colors(void) {
  CHECK(color_is("ff0000", 255, 0, 0, 255));
  CHECK(color_is("#00FF80", 0, 255, 128, 255));
  CHECK(color_is("f00", 255, 0, 0, 255));
  CHECK(color_is("#0f08", 0, 255, 0, 136));
  CHECK(color_is("11223344", 0x11, 0x22, 0x33, 0x44));
  CHECK(color_is("255,128,0", 255, 128, 0, 255));
  CHECK(color_is(" 1, 2 ,3 , 4", 1, 2, 3, 4));
  const char *bad[] = {"",      "#",        "ff",    "fff00",   "gg0000", "ff0000ff00",
                       "1,2",   "1,2,3,4,5", "256,0,0", "-1,0,0", "1,,2",   "1,2,3,",
                       "red",   "0x102030", "1.5,2,3"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    uint8_t c[4] = {7, 7, 7, 7};
    if (sv_parse_color(bad[i], c) == 0) fprintf(stderr, "accepted colour '%s'\n", bad[i]);
    CHECK(sv_parse_color(bad[i], c) != 0);
    CHECK(c[0] == 7 && c[3] == 7); /* left as it was */
  }
  CHECK(sv_parse_color(NULL, (uint8_t[4]){0}) != 0);
}

static void test_bools(void) {
  int v = -1;
  CHECK(sv_parse_bool("true", &v) == 0 && v == 1);
  CHECK(sv_parse_bool("ON", &v) == 0 && v == 1);
  CHECK(sv_parse_bool("1", &v) == 0 && v == 1);
  CHECK(sv_parse_bool(NULL, &v) == 0 && v == 1); /* ?tiles */
  CHECK(sv_parse_bool("no", &v) == 0 && v == 0);
  CHECK(sv_parse_bool("False", &v) == 0 && v == 0);
  CHECK(sv_parse_bool("0", &v) == 0 && v == 0);
  v = 5;
  CHECK(sv_parse_bool("2", &v) != 0 && v == 5);
  CHECK(sv_parse_bool("yes please", &v) != 0);
}

static void test_defaults(void) {
  sv_params p;
  sv_params_init(&p);
  char err[400];
  CHECK(sv_params_finish(&p, err, sizeof err) == 0);
  CHECK(p.size == SV_SIZE_FULL);
  CHECK(p.format == SV_FMT_PNG);
  CHECK(!p.alpha_only && !p.opts.mask_only && p.opts.tiles == CT_TILES_AUTO && !p.has_bg);
  /* the default pipeline: automatic framing, full matting */
  CHECK(p.opts.framing == CT_FRAMING_AUTO && p.opts.matting == CT_MATTING_FULL);
  CHECK(!strcmp(sv_format_name(p.format), "png"));
  CHECK(!strcmp(sv_format_media_type(p.format), "image/png"));
}

static void test_values(void) {
  sv_params p;
  sv_params_init(&p);
  char err[400];
  CHECK(set(&p, "size", "preview") == 0 && p.size == SV_SIZE_PREVIEW);
  CHECK(set(&p, "size", "auto") == 0 && p.size == SV_SIZE_FULL);
  CHECK(set(&p, "size", "huge") != 0);
  CHECK(set(&p, "format", "WEBP") == 0 && p.format == SV_FMT_WEBP);
  CHECK(set(&p, "format", "jpeg") == 0 && p.format == SV_FMT_JPG);
  CHECK(set(&p, "format", "gif") != 0);
  CHECK(set(&p, "format", NULL) != 0);
  CHECK(set(&p, "tiles", "yes") == 0 && p.opts.tiles == 1);
  CHECK(set(&p, "tiles", "0") == 0 && p.opts.tiles == 0);
  CHECK(set(&p, "matting", "full") == 0 && p.opts.matting == CT_MATTING_FULL);
  CHECK(set(&p, "matting", "fast") == 0 && p.opts.matting == CT_MATTING_FAST);
  CHECK(set(&p, "matting", "sometimes") == -1 && p.opts.matting == CT_MATTING_FAST);
  CHECK(set(&p, "matting", "off") == 0 && p.opts.matting == CT_MATTING_OFF);
  CHECK(set(&p, "framing", "fit") == 0 && p.opts.framing == CT_FRAMING_FIT);
  CHECK(set(&p, "framing", "square") == -1 && p.opts.framing == CT_FRAMING_FIT);
  CHECK(set(&p, "framing", "auto") == 0 && p.opts.framing == CT_FRAMING_AUTO);
  p.opts.tiles = 1;
  CHECK(set(&p, "quality", "fast") == 0 && p.opts.framing == CT_FRAMING_STRETCH &&
        p.opts.matting == CT_MATTING_OFF && !p.opts.tiles);
  CHECK(set(&p, "quality", "best") == 0 && p.opts.framing == CT_FRAMING_AUTO &&
        p.opts.matting == CT_MATTING_FULL);
  CHECK(set(&p, "quality", "max") == -1 && p.opts.matting == CT_MATTING_FULL);
  CHECK(set(&p, "quality", NULL) == -1);
  CHECK(set(&p, "per_channel", "true") == 0 && p.opts.channels == 1);
  CHECK(set(&p, "tile_size", "512") == 0 && p.opts.tile_size == 512 && p.opts.tiles == 1);
  CHECK(set(&p, "tile_overlap", "64") == 0 && p.opts.tile_overlap == 64);
  CHECK(set(&p, "tile_size", "0") != 0);
  CHECK(set(&p, "tile_size", "-5") != 0);
  CHECK(set(&p, "tile_size", "12px") != 0);
  CHECK(set(&p, "tile_size", "99999999999") != 0);
  p.opts.tiles = 0;
  CHECK(set(&p, "tile_scale", "1.5") == 0 && p.opts.tile_scale == 1.5 && p.opts.tiles == 1);
  CHECK(set(&p, "tile_scale", "0.5") != 0 && p.opts.tile_scale == 1.5);
  CHECK(set(&p, "tile_scale", "65") != 0);
  CHECK(set(&p, "tile_scale", "2x") != 0);
  CHECK(set(&p, "tile_scale", NULL) != 0);
  CHECK(set(&p, "bg_color", "00ff00") == 0 && p.has_bg && p.bg[1] == 255);
  CHECK(set(&p, "bg_color", "") == 0 && !p.has_bg); /* a blank form field */
  CHECK(set(&p, "bg_color", "nope") != 0);

  /* the message names the parameter and the value */
  CHECK(sv_param_set(&p, "format", "gif", err, sizeof err) != 0);
  CHECK(strstr(err, "format") && strstr(err, "gif"));
  CHECK(sv_param_set(&p, "colour", "red", err, sizeof err) != 0);
  CHECK(strstr(err, "unknown parameter 'colour'") && strstr(err, "bg_color"));
  /* URLs are refused: the service fetches nothing */
  CHECK(sv_param_set(&p, "image_url", "http://example.com/a.jpg", err, sizeof err) != 0);
  CHECK(strstr(err, "fetches nothing") != NULL);
  CHECK(sv_param_set(&p, NULL, "x", err, sizeof err) != 0);
}

static void test_channels(void) {
  sv_params p;
  char err[400];
  sv_params_init(&p);
  CHECK(set(&p, "channels", "alpha") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0);
  CHECK(p.alpha_only && p.opts.mask_only);

  sv_params_init(&p);
  CHECK(set(&p, "mask_only", "true") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0 && p.opts.mask_only);

  sv_params_init(&p);
  CHECK(set(&p, "channels", "rgba") == 0);
  CHECK(set(&p, "mask_only", "true") != 0); /* contradicts */
  CHECK(set(&p, "mask_only", "false") == 0);
  CHECK(set(&p, "channels", "rgb") != 0);

  sv_params_init(&p); /* a mask has no background */
  CHECK(set(&p, "channels", "alpha") == 0 && set(&p, "bg_color", "fff") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) != 0 && strstr(err, "bg_color"));
}

static void test_backgrounds(void) {
  sv_params p;
  char err[400];
  sv_params_init(&p);
  CHECK(p.opts.foreground == 1); /* the library's default */
  CHECK(set(&p, "foreground", "false") == 0 && p.opts.foreground == 0);
  CHECK(set(&p, "foreground", "maybe") != 0);
  CHECK(set(&p, "bg_color", "10,20,30,40") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0);
  CHECK(p.opts.bg_color[0] == 10 && p.opts.bg_color[3] == 40);
  sv_params_init(&p);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0 && p.opts.bg_color[3] == 0);
  /* a background image: opaque, so jpg is fine; not with a colour, not for the mask */
  sv_params_init(&p);
  p.has_bg_image = 1;
  CHECK(set(&p, "format", "auto") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0 && p.format == SV_FMT_JPG);
  sv_params_init(&p);
  p.has_bg_image = 1;
  CHECK(set(&p, "bg_color", "fff") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) != 0 && strstr(err, "choose one"));
  sv_params_init(&p);
  p.has_bg_image = 1;
  CHECK(set(&p, "mask_only", "1") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) != 0 && strstr(err, "bg_image_file"));
}

static void test_formats_finish(void) {
  sv_params p;
  char err[400];
  /* jpg needs an opaque background or the mask */
  sv_params_init(&p);
  CHECK(set(&p, "format", "jpg") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) != 0 && strstr(err, "jpg"));
  CHECK(set(&p, "bg_color", "ff000080") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) != 0);
  CHECK(set(&p, "bg_color", "ff0000") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0 && p.format == SV_FMT_JPG);
  CHECK(!strcmp(sv_format_media_type(p.format), "image/jpeg"));

  sv_params_init(&p);
  CHECK(set(&p, "format", "jpg") == 0 && set(&p, "channels", "alpha") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0);

  /* auto: jpg under an opaque colour, png otherwise */
  sv_params_init(&p);
  CHECK(set(&p, "format", "auto") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0 && p.format == SV_FMT_PNG);
  sv_params_init(&p);
  CHECK(set(&p, "format", "auto") == 0 && set(&p, "bg_color", "10,20,30") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0 && p.format == SV_FMT_JPG);
  sv_params_init(&p);
  CHECK(set(&p, "format", "auto") == 0 && set(&p, "bg_color", "10,20,30,40") == 0);
  CHECK(sv_params_finish(&p, err, sizeof err) == 0 && p.format == SV_FMT_PNG);
}

static void test_subject(void) {
  sv_params p;
  sv_params_init(&p);
  CHECK(!sv_params_need_detector(&p));
  CHECK(set(&p, "subject", "person") == 0 && p.opts.subject && !strcmp(p.opts.subject, "person"));
  CHECK(sv_params_need_detector(&p));
  CHECK(set(&p, "subject", "largest") == 0 && !strcmp(p.opts.subject, "largest"));
  CHECK(set(&p, "subject", "all") == 0 && !strcmp(p.opts.subject, "all"));
  CHECK(set(&p, "subject", "traffic light") == 0 && !strcmp(p.opts.subject, "traffic light"));
  const char *bad[] = {"unicorn", "Person", "persons", "all,person"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    CHECK(set(&p, "subject", bad[i]) != 0);
    CHECK(!strcmp(p.opts.subject, "traffic light")); /* left as it was */
  }
  CHECK(set(&p, "subject", NULL) != 0);
  CHECK(set(&p, "subject", "") == 0 && !p.opts.subject); /* a blank form field: none */
  char err[400];
  CHECK(sv_param_set(&p, "class", "person", err, sizeof err) != 0 && strstr(err, "/api/instances"));
  CHECK(set(&p, "min_score", "0.5") != 0 && set(&p, "crop", "1") != 0);
}

static void test_instances(void) {
  sv_params p;
  sv_params_init(&p);
  sv_params_for_instances(&p);
  CHECK(sv_params_need_detector(&p));
  CHECK(p.n_classes == 0 && p.min_score == 0 && p.max_instances == 0 && !p.crop);
  CHECK(set(&p, "class", "person") == 0 && p.n_classes == 1 && p.classes[0] == 0);
  CHECK(set(&p, "class", " dog ,person,, cat") == 0 && p.n_classes == 3);
  CHECK(p.classes[1] == ct_class_id("dog") && p.classes[2] == ct_class_id("cat"));
  CHECK(set(&p, "class", "dog,unicorn") != 0);
  CHECK(set(&p, "min_score", "0.25") == 0 && p.min_score == 0.25f);
  CHECK(set(&p, "min_score", "1") == 0 && p.min_score == 1.0f);
  const char *bad_scores[] = {"0", "-0.1", "1.01", "", "x", "0.5x", "nan"};
  for (size_t i = 0; i < sizeof bad_scores / sizeof *bad_scores; i++)
    CHECK(set(&p, "min_score", bad_scores[i]) != 0);
  CHECK(set(&p, "max_instances", "7") == 0 && p.max_instances == 7);
  CHECK(set(&p, "max_instances", "0") != 0 && set(&p, "max_instances", "101") != 0);
  CHECK(set(&p, "max_instances", "-1") != 0 && set(&p, "max_instances", "3a") != 0);
  CHECK(set(&p, "crop", NULL) == 0 && p.crop == 1);
  CHECK(set(&p, "crop", "off") == 0 && p.crop == 0);
  /* remove's quality parameters apply, its output ones do not */
  CHECK(set(&p, "matting", "fast") == 0 && set(&p, "tiles", "1") == 0);
  CHECK(set(&p, "quality", "fast") == 0 && set(&p, "foreground", "0") == 0);
  const char *remove_only[] = {"subject", "format", "bg_color", "channels", "mask_only", "size"};
  char err[400];
  for (size_t i = 0; i < sizeof remove_only / sizeof *remove_only; i++) {
    CHECK(sv_param_set(&p, remove_only[i], "png", err, sizeof err) != 0);
    CHECK(strstr(err, "/api/remove") != NULL);
  }
  CHECK(sv_param_set(&p, "colour", "red", err, sizeof err) != 0 && strstr(err, "min_score") &&
        !strstr(err, "bg_color"));
  CHECK(sv_params_finish(&p, err, sizeof err) == 0);
  p.has_bg_image = 1;
  CHECK(sv_params_finish(&p, err, sizeof err) != 0 && strstr(err, "bg_image_file"));
}

static void test_base64(void) {
  const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"};
  const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy", "//4A"};
  size_t lens[] = {0, 1, 2, 3, 4, 5, 6, 3};
  for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
    char buf[16] = {0};
    CHECK(sv_base64_len(lens[i]) == strlen(out[i]));
    sv_base64_encode((const uint8_t *)in[i], lens[i], buf);
    if (strcmp(buf, out[i])) fprintf(stderr, "base64 of #%zu: '%s', not '%s'\n", i, buf, out[i]);
    CHECK(!strcmp(buf, out[i]));
  }
}

int main(void) {
  test_subject();
  test_instances();
  test_base64();
  test_colors();
  test_bools();
  test_defaults();
  test_values();
  test_channels();
  test_formats_finish();
  test_backgrounds();
  return CHECK_DONE();
}
