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
// The real set (--real DIR, default ../shared/realset beside the checkout when it exists:
// image/, alpha/, trimap1/, trimap2/ of the same names) is scored per photo and trimap for
// alphamat, cutout full (the default solver) and cutout full with the local Laplacian alone
// (flow 0), all from the trimap alone. alphamat's results and times are kept in --cache DIR
// (default alphamat_cache beside this program, i.e. under build/), keyed by a hash of the
// photo and trimap; --no-cache runs it afresh. --no-synth / --no-real skip either part.
//
//   build/bench/bench_matting [--count N] [--size WxH] [--seed S] [--band PX] [--clean]
//                             [--threads N] [--eps E] [--tol T] [--tile T] [--save DIR]
//                             [--only cutout | --only-cutout] [--real DIR] [--cache DIR]
//                             [--no-cache] [--no-synth] [--no-real] [--flow W]
#include <opencv2/core.hpp>
// after core.hpp, which defines what alphamat.hpp uses
#include <opencv2/alphamat.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>
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
  bool alphamat = true, clean = false, synth = true, real = true, use_cache = true;
  double flow = -1; // <0: the solver's default
  const char *save = nullptr; // folder for the PNGs, or none
  std::string real_dir, cache_dir;
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
  if (o.flow >= 0) so.flow = o.flow;
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

// ---- The real set ----

uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

// One channel (the first) of a PNG as w x h bytes.
bool load_plane(const std::string &path, int *w, int *h, std::vector<uint8_t> *out,
                std::vector<uint8_t> *rgb) {
  ct_img *im = nullptr;
  char err[256];
  if (img_load_rgb(path.c_str(), &im, err, sizeof err)) {
    std::fprintf(stderr, "bench_matting: cannot read %s: %s\n", path.c_str(), err);
    return false;
  }
  *w = im->width, *h = im->height;
  size_t n = (size_t)im->width * im->height;
  if (rgb) rgb->assign(im->data, im->data + n * 3);
  if (out) {
    out->resize(n);
    for (size_t i = 0; i < n; i++) (*out)[i] = im->data[i * 3];
  }
  img_free(im);
  return true;
}

// alphamat of (rgb, trimap), from the cache when it holds it; sec is the time it took.
bool alphamat_cached(const Opts &o, const std::vector<uint8_t> &rgb,
                     const std::vector<uint8_t> &trimap, int w, int h, std::vector<uint8_t> *a,
                     double *sec, bool *hit) {
  uint64_t key = fnv1a(fnv1a(1469598103934665603ull ^ (uint64_t)w << 32 ^ (uint64_t)h,
                             rgb.data(), rgb.size()),
                       trimap.data(), trimap.size());
  char name[32];
  std::snprintf(name, sizeof name, "/%016llx.bin", (unsigned long long)key);
  std::string path = o.cache_dir + name;
  a->resize((size_t)w * h);
  *hit = false;
  if (o.use_cache) {
    if (FILE *f = std::fopen(path.c_str(), "rb")) {
      *hit = std::fread(sec, sizeof *sec, 1, f) == 1 &&
             std::fread(a->data(), 1, a->size(), f) == a->size();
      std::fclose(f);
      if (*hit) return true;
    }
  }
  cv::Mat img(h, w, CV_8UC3, (void *)rgb.data()), tmap(h, w, CV_8UC1, (void *)trimap.data()),
      result;
  double t0 = now();
  cv::alphamat::infoFlow(img, tmap, result);
  *sec = now() - t0;
  cv::Mat r8;
  if (result.type() == CV_8UC1) r8 = result;
  else
    result.convertTo(r8, CV_8UC1,
                     result.depth() == CV_32F || result.depth() == CV_64F ? 255.0 : 1.0);
  if (!r8.isContinuous()) return false;
  std::memcpy(a->data(), r8.data, a->size());
  if (o.use_cache) {
    mkdir(o.cache_dir.c_str(), 0755);
    std::string tmp = path + ".tmp";
    if (FILE *f = std::fopen(tmp.c_str(), "wb")) {
      bool ok = std::fwrite(sec, sizeof *sec, 1, f) == 1 &&
                std::fwrite(a->data(), 1, a->size(), f) == a->size();
      ok = std::fclose(f) == 0 && ok;
      if (ok) std::rename(tmp.c_str(), path.c_str());
      else std::remove(tmp.c_str());
    }
  }
  return true;
}

constexpr int kReal = 3; // alphamat, cutout full (default), cutout full (local only)

bool real_set(const Opts &o) {
  std::vector<std::string> names;
  if (DIR *d = opendir((o.real_dir + "/image").c_str())) {
    while (dirent *e = readdir(d)) {
      std::string nm = e->d_name;
      if (nm.size() > 4 && nm.compare(nm.size() - 4, 4, ".png") == 0) names.push_back(nm);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) {
    std::printf("real set: no photos under %s/image: skipped\n", o.real_dir.c_str());
    return true;
  }
  mt_solve_opts base;
  mt_solve_opts_init(&base);
  base.threads = o.threads;
  if (o.eps > 0) base.eps = o.eps;
  if (o.tol > 0) base.tol = o.tol;
  if (o.tile > 0) base.tile = o.tile;
  if (o.flow >= 0) base.flow = o.flow;
  mt_solve_opts local = base;
  local.flow = 0;
  std::printf("\nreal set: %zu photos from %s, trimap1 and trimap2, all from the trimap alone "
              "(unknowns start at 50%%); SAD /1000 and MSE over the trimap's unknown pixels;\n"
              "cutout full with flow %g, and with the local 3x3 Laplacian alone (flow 0); "
              "alphamat from %s\n",
              names.size(), o.real_dir.c_str(), base.flow,
              o.use_cache ? o.cache_dir.c_str() : "this run (no cache)");
  bool all = true;
  double total[kReal] = {};
  int cached = 0;
  for (int tm = 1; tm <= 2; tm++) {
    std::printf("%-6s %-8s %8s  %-23s  %-23s  %-23s  %s\n", "photo", "trimap", "unknown",
                "alphamat", "cutout full", "cutout full (local)", "full vs alphamat");
    std::printf("%-6s %-8s %8s", "", "", "");
    for (int k = 0; k < kReal; k++) std::printf("  %7s %7s %7s", "s", "SAD", "MSE");
    std::printf("  %6s %6s\n", "SAD x", "MSE x");
    Score sum[kReal] = {};
    double worst_sad = 0, worst_mse = 0;
    std::string worst_sad_at, worst_mse_at;
    int done = 0;
    for (const std::string &nm : names) {
      int w = 0, h = 0, w2 = 0, h2 = 0, w3 = 0, h3 = 0;
      std::vector<uint8_t> rgb, truth, trimap;
      std::string tdir = o.real_dir + (tm == 1 ? "/trimap1/" : "/trimap2/");
      if (!load_plane(o.real_dir + "/image/" + nm, &w, &h, nullptr, &rgb) ||
          !load_plane(o.real_dir + "/alpha/" + nm, &w2, &h2, &truth, nullptr) ||
          !load_plane(tdir + nm, &w3, &h3, &trimap, nullptr) || w2 != w || h2 != h ||
          w3 != w || h3 != h) {
        std::fprintf(stderr, "bench_matting: %s: photo, alpha and trimap do not match\n",
                     nm.c_str());
        all = false;
        continue;
      }
      Score s[kReal];
      std::vector<uint8_t> a;
      bool hit = false;
      double sec = 0;
      bool ok = alphamat_cached(o, rgb, trimap, w, h, &a, &sec, &hit) &&
                score(a.data(), truth.data(), trimap.data(), w, h, sec, &s[0]);
      cached += hit;
      mt_solve_stats st = {};
      for (int k = 1; ok && k < kReal; k++) {
        for (size_t i = 0; i < a.size(); i++)
          a[i] = trimap[i] == 0 || trimap[i] == 255 ? trimap[i] : 128;
        char err[256];
        double t0 = now();
        ok = mt_solve(MT_MATTING_FULL, rgb.data(), w, h, trimap.data(), k == 1 ? &base : &local,
                      a.data(), &st, err, sizeof err) == 0;
        double t1 = now();
        if (!ok) std::fprintf(stderr, "bench_matting: %s: %s\n", nm.c_str(), err);
        ok = ok && score(a.data(), truth.data(), trimap.data(), w, h, t1 - t0, &s[k]);
        if (ok && o.save) {
          std::string file = std::string(o.save) + "/real_" + nm.substr(0, nm.size() - 4) +
                             "_t" + std::to_string(tm) + (k == 1 ? "_full.png" : "_local.png");
          ct_img im = {w, h, 1, a.data()};
          char e2[256];
          img_save(&im, file.c_str(), e2, sizeof e2);
        }
      }
      if (!ok) {
        all = false;
        continue;
      }
      double rs = s[1].sad / s[0].sad, rm = s[1].mse / s[0].mse;
      std::printf("%-6s %-8s %8ld", nm.substr(0, nm.size() - 4).c_str(),
                  tm == 1 ? "trimap1" : "trimap2", st.unknown);
      for (int k = 0; k < kReal; k++)
        std::printf("  %7.3f %7.2f %7.4f", s[k].sec, s[k].sad, s[k].mse);
      std::printf("  %6.3f %6.3f\n", rs, rm);
      std::fflush(stdout);
      if (rs > worst_sad) worst_sad = rs, worst_sad_at = nm;
      if (rm > worst_mse) worst_mse = rm, worst_mse_at = nm;
      for (int k = 0; k < kReal; k++) {
        sum[k].sec += s[k].sec, sum[k].sad += s[k].sad, sum[k].mse += s[k].mse;
        total[k] += s[k].sec;
      }
      done++;
    }
    if (!done) continue;
    std::printf("%-6s %-8s %8s", "mean", tm == 1 ? "trimap1" : "trimap2", "");
    for (int k = 0; k < kReal; k++)
      std::printf("  %7.3f %7.2f %7.4f", sum[k].sec / done, sum[k].sad / done,
                  sum[k].mse / done);
    std::printf("\n");
    for (int k = 1; k < kReal; k++)
      std::printf("trimap%d %-20s vs alphamat: mean SAD x%.3f, MSE x%.3f\n", tm,
                  k == 1 ? "cutout full" : "cutout full (local)", sum[k].sad / sum[0].sad,
                  sum[k].mse / sum[0].mse);
    std::printf("trimap%d cutout full, worst photo vs alphamat: SAD x%.3f (%s), MSE x%.3f "
                "(%s)\n\n", tm, worst_sad, worst_sad_at.c_str(), worst_mse, worst_mse_at.c_str());
  }
  std::printf("real set total time: alphamat %.1f s (%d of %zu runs from the cache), cutout full "
              "%.2f s (%.1fx less), cutout full (local) %.2f s (%.1fx less)\n",
              total[0], cached, 2 * names.size(), total[1], total[0] / total[1], total[2],
              total[0] / total[2]);
  return all;
}

bool parse(int argc, char **argv, Opts *o) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : nullptr;
    bool bad = false;
    if (!std::strcmp(a, "--only-cutout")) o->alphamat = false;
    else if (!std::strcmp(a, "--no-cache")) o->use_cache = false;
    else if (!std::strcmp(a, "--no-synth")) o->synth = false;
    else if (!std::strcmp(a, "--no-real")) o->real = false;
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
    else if (!std::strcmp(a, "--flow")) o->flow = std::atof(v), i++;
    else if (!std::strcmp(a, "--real")) o->real_dir = v, i++;
    else if (!std::strcmp(a, "--cache")) o->cache_dir = v, i++;
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
  {
    std::string self = argv[0];
    size_t slash = self.rfind('/');
    std::string dir = slash == std::string::npos ? "." : self.substr(0, slash);
    o.cache_dir = dir + "/alphamat_cache";
    // the checkout's ../shared/realset: build/bench/ is two levels under the checkout
    o.real_dir = dir + "/../../../shared/realset";
  }
  if (!parse(argc, argv, &o)) return 2;
  cv::setNumThreads(o.threads);
  if (o.synth) {
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
}
  if (o.real && o.alphamat && !real_set(o)) return 1;
  return 0;
}
