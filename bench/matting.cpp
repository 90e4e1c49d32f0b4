// cutout's alpha matting against OpenCV's information-flow matting (cv::alphamat::infoFlow,
// Aksoy et al. 2017) on the same synthesised composites and trimaps, in one run: per image
// and mean, the time and the SAD (/1000) and MSE over the trimap's unknown pixels of
//   - alphamat, from the photo and the trimap;
//   - cutout full (closed form), from the trimap alone (unknown pixels start at 50%);
//   - cutout full, starting from a network-like mask (the true alpha seen at a quarter of
//     the resolution and scaled back up), as `cutout remove` runs it;
//   - cutout fast (guided filter), from that mask.
// The composites are cutout synth's built-in foregrounds (hair strands, fur, veils) over
// patterned backgrounds; the trimap is the true alpha's sure regions eroded by --band px.
// The photo carries synth's degradations (sensor noise, JPEG) unless --clean asks for the
// plain composite round(a*F + (1-a)*B). --save DIR writes each image, trimap, true alpha and
// result as PNG (DIR must exist).
//
//   build/bench/bench_matting [--count N] [--size WxH] [--seed S] [--band PX] [--clean]
//                             [--threads N] [--eps E] [--tol T] [--tile T] [--save DIR]
//                             [--only cutout | --only-cutout]
#include <opencv2/core.hpp>
// after core.hpp, which defines what alphamat.hpp uses
#include <opencv2/alphamat.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "cutout.h"
#include "data/synth.h"
#include "eval/metrics.h"
#include "image/image.h"
#include "matte/matte.h"
}

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct Opts {
  int count = 4, width = 800, height = 560, band = 10, threads = 2;
  double eps = 0, tol = 0; // 0: the solver's defaults
  int tile = 0;
  unsigned long long seed = 20240501;
  bool alphamat = true, clean = false;
  const char *save = nullptr; // folder for the PNGs, or none
};

struct Score {
  double sec = 0, sad = 0, mse = 0;
};

const char *kFiles[] = {"alphamat", "full_trimap", "full_mask", "fast_mask"};
const char *kNames[] = {"alphamat", "cutout full (trimap)", "cutout full (mask)",
                        "cutout fast (mask)"};
constexpr int kMethods = 4;

// The true alpha at a quarter of the resolution (box means), scaled back up.
void blurry_guess(const uint8_t *alpha, int w, int h, uint8_t *guess) {
  int sw = w / 4, sh = h / 4;
  std::vector<float> small((size_t)sw * sh);
  for (int y = 0; y < sh; y++)
    for (int x = 0; x < sw; x++) {
      int s = 0;
      for (int dy = 0; dy < 4; dy++)
        for (int dx = 0; dx < 4; dx++) s += alpha[(size_t)(y * 4 + dy) * w + x * 4 + dx];
      small[(size_t)y * sw + x] = s / (16.0f * 255);
    }
  img_upscale_mask(small.data(), sw, sh, w, h, guess);
}

// Writes pixels (w x h x ch) as DIR/NNN_name.png.
bool save_png(const Opts &o, int index, const char *name, const uint8_t *pixels, int w, int h,
              int ch) {
  if (!o.save) return true;
  char file[64], err[256];
  std::snprintf(file, sizeof file, "/%03d_%s.png", index, name);
  std::string path = std::string(o.save) + file;
  ct_img im = {w, h, ch, const_cast<uint8_t *>(pixels)};
  if (img_save(&im, path.c_str(), err, sizeof err)) {
    std::fprintf(stderr, "bench_matting: cannot write %s: %s\n", path.c_str(), err);
    return false;
  }
  return true;
}

bool score(const uint8_t *pred, const uint8_t *truth, const uint8_t *trimap, int w, int h,
           double sec, Score *s) {
  eval_scores e;
  if (eval_score_u8(pred, truth, trimap, w, h, &e)) return false;
  s->sec = sec, s->sad = e.sad, s->mse = e.mse;
  return true;
}

bool one_image(const Opts &o, int index, Score out[kMethods]) {
  syn_config cfg = {};
  cfg.width = o.width, cfg.height = o.height, cfg.band = o.band;
  cfg.procedural_fg = 1, cfg.procedural_bg = 1, cfg.augment = 1;
  syn_params p;
  syn_draw_params(&cfg, o.seed, index, &p);
  syn_sample s = {};
  char err[256];
  if (syn_render(&p, nullptr, nullptr, &s, err, sizeof err)) {
    std::fprintf(stderr, "bench_matting: cannot synthesise sample %d: %s\n", index, err);
    return false;
  }
  const int w = o.width, h = o.height;
  const size_t n = (size_t)w * h;
  const uint8_t *rgb = (o.clean ? s.composite : s.image)->data, *truth = s.alpha->data;
  std::vector<uint8_t> trimap(n), guess(n), half(n), a(n);
  mt_trimap_opts to;
  mt_trimap_opts_init(&to);
  to.fg_threshold = 255, to.bg_threshold = 0, to.erode = o.band;
  bool ok = mt_trimap(truth, nullptr, w, h, &to, trimap.data(), err, sizeof err) == 0;
  blurry_guess(truth, w, h, guess.data());
  for (size_t i = 0; i < n; i++) half[i] = trimap[i] == MT_UNKNOWN ? 128 : trimap[i];
  ok = ok && save_png(o, index, "image", rgb, w, h, 3) &&
       save_png(o, index, "trimap", trimap.data(), w, h, 1) &&
       save_png(o, index, "truth", truth, w, h, 1) &&
       save_png(o, index, "guess", guess.data(), w, h, 1);

  if (ok && o.alphamat) {
    cv::Mat img(h, w, CV_8UC3, (void *)rgb), tmap(h, w, CV_8UC1, trimap.data()), result;
    double t0 = now();
    cv::alphamat::infoFlow(img, tmap, result);
    double t1 = now();
    cv::Mat r8;
    if (result.type() == CV_8UC1) r8 = result;
    // (OpenCV 4.6 gives CV_8UC1; a float result would be in [0, 1].)
    else
      result.convertTo(r8, CV_8UC1,
                       result.depth() == CV_32F || result.depth() == CV_64F ? 255.0 : 1.0);
    ok = r8.isContinuous() && score(r8.data, truth, trimap.data(), w, h, t1 - t0, &out[0]) &&
         save_png(o, index, kFiles[0], r8.data, w, h, 1);
  }
  mt_solve_opts so;
  mt_solve_opts_init(&so);
  so.threads = o.threads;
  if (o.eps > 0) so.eps = o.eps;
  if (o.tol > 0) so.tol = o.tol;
  if (o.tile > 0) so.tile = o.tile;
  struct Run {
    mt_mode mode;
    const std::vector<uint8_t> *start;
  } runs[] = {{MT_MATTING_FULL, &half}, {MT_MATTING_FULL, &guess}, {MT_MATTING_FAST, &guess}};
  mt_solve_stats st[3] = {};
  for (int k = 0; ok && k < 3; k++) {
    a = *runs[k].start;
    double t0 = now();
    ok = mt_solve(runs[k].mode, rgb, w, h, trimap.data(), &so, a.data(), &st[k], err,
                  sizeof err) == 0;
    double t1 = now();
    ok = ok && score(a.data(), truth, trimap.data(), w, h, t1 - t0, &out[k + 1]) &&
         save_png(o, index, kFiles[k + 1], a.data(), w, h, 1);
  }
  if (!ok) std::fprintf(stderr, "bench_matting: image %d failed: %s\n", index, err);
  else {
    std::printf("%5d %8ld", index, st[0].unknown);
    for (int k = o.alphamat ? 0 : 1; k < kMethods; k++)
      std::printf("  %7.3f %7.2f %7.4f", out[k].sec, out[k].sad, out[k].mse);
    // Ratios of the configuration `cutout remove` runs (full, from the mask) to alphamat.
    if (o.alphamat)
      std::printf("  %5.1fx %5.3f", out[0].sec / out[2].sec, out[2].sad / out[0].sad);
    std::printf("  CG %d/%d it, res %.1e/%.1e\n", st[0].iterations, st[1].iterations,
                st[0].residual, st[1].residual);
    std::fflush(stdout);
  }
  syn_sample_free(&s);
  return ok;
}

bool parse(int argc, char **argv, Opts *o) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : nullptr;
    bool bad = false;
    if (!std::strcmp(a, "--only-cutout")) o->alphamat = false;
    else if (!std::strcmp(a, "--clean")) o->clean = true;
    else if (!v) bad = true;
    else if (!std::strcmp(a, "--only")) o->alphamat = false, bad = std::strcmp(v, "cutout"), i++;
    else if (!std::strcmp(a, "--save")) o->save = v, i++;
    else if (!std::strcmp(a, "--count")) o->count = std::atoi(v), i++;
    else if (!std::strcmp(a, "--size"))
      bad = std::sscanf(v, "%dx%d", &o->width, &o->height) != 2, i++;
    else if (!std::strcmp(a, "--seed")) o->seed = std::strtoull(v, nullptr, 10), i++;
    else if (!std::strcmp(a, "--band")) o->band = std::atoi(v), i++;
    else if (!std::strcmp(a, "--threads")) o->threads = std::atoi(v), i++;
    else if (!std::strcmp(a, "--eps")) o->eps = std::atof(v), i++;
    else if (!std::strcmp(a, "--tol")) o->tol = std::atof(v), i++;
    else if (!std::strcmp(a, "--tile")) o->tile = std::atoi(v), i++;
    else bad = true;
    if (bad || o->count < 1 || o->width < 16 || o->height < 16 || o->band < 1 || o->threads < 1) {
      std::fprintf(stderr, "bench_matting: bad or incomplete option '%s'\n", a);
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  Opts o;
  if (!parse(argc, argv, &o)) return 2;
  cv::setNumThreads(o.threads);
  std::printf("matting: %d synthesised composites of %dx%d (seed %llu, %s), trimap band %d px, "
              "%d threads each (cv::setNumThreads(%d) for alphamat)\n", o.count, o.width,
              o.height, o.seed, o.clean ? "clean" : "noise/JPEG as synth draws them", o.band,
              o.threads, o.threads);
  std::printf("%5s %8s", "image", "unknown");
  for (int k = o.alphamat ? 0 : 1; k < kMethods; k++) std::printf("  %-23s", kNames[k]);
  if (o.alphamat) std::printf("  full (mask) vs alphamat");
  std::printf("\n%5s %8s", "", "");
  for (int k = o.alphamat ? 0 : 1; k < kMethods; k++)
    std::printf("  %7s %7s %7s", "s", "SAD", "MSE");
  if (o.alphamat) std::printf("  %6s %5s", "less", "SAD x");
  std::printf("\n");
  Score sum[kMethods] = {};
  int done = 0;
  for (int i = 0; i < o.count; i++) {
    Score s[kMethods] = {};
    if (!one_image(o, i, s)) continue;
    for (int k = 0; k < kMethods; k++)
      sum[k].sec += s[k].sec, sum[k].sad += s[k].sad, sum[k].mse += s[k].mse;
    done++;
  }
  if (!done) return 1;
  std::printf("%5s %8s", "mean", "");
  for (int k = o.alphamat ? 0 : 1; k < kMethods; k++)
    std::printf("  %7.3f %7.2f %7.4f", sum[k].sec / done, sum[k].sad / done, sum[k].mse / done);
  std::printf("\n");
  if (o.alphamat)
    for (int k = 1; k < kMethods; k++)
      std::printf("%-22s vs alphamat: %6.1fx less time, SAD x%.3f, MSE x%.3f\n", kNames[k],
                  sum[0].sec / sum[k].sec, sum[k].sad / sum[0].sad, sum[k].mse / sum[0].mse);
  return 0;
}
