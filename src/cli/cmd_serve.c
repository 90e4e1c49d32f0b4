/* cutout serve [--port P] [--host ADDR] [--model PATH] [--detector PATH] ...  /  cutout s */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "serve/serve.h"

/* A byte count with an optional k, M or G suffix (powers of 1024); 0 when invalid. */
static size_t parse_bytes(const char *s) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || s[0] == '-') return 0;
  unsigned long long mult = 1;
  if (*end == 'k' || *end == 'K') mult = 1ull << 10, end++;
  else if (*end == 'm' || *end == 'M') mult = 1ull << 20, end++;
  else if (*end == 'g' || *end == 'G') mult = 1ull << 30, end++;
  if (*end || v > (1ull << 40) / mult) return 0;
  return (size_t)(v * mult);
}

/* A count >= lo up to hi; -1 when invalid. */
static long parse_count(const char *s, long lo, long hi) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return -1;
  return v;
}

static void usage(void) {
  printf("usage: cutout serve [options]   (or: cutout s)\n"
         "  -p, --port P        port to listen on (default 8080; 0: any free port)\n"
         "      --host ADDR     address to listen on (default 127.0.0.1; 0.0.0.0: all)\n"
         "  -m, --model PATH    ONNX model (default: $CUTOUT_MODEL, or isnet-fp16.onnx from\n"
         "                      the first model folder that has it, as 'cutout help' lists)\n"
         "      --detector PATH the detector for subject= and /api/instances (default:\n"
         "                      $CUTOUT_DETECTOR, or centernet.json from the model folders;\n"
         "                      without one the service runs, and those requests get 501)\n"
         "      --no-detector   no detector, even when one is found\n"
         "      --max-instances N  instances one /api/instances answer holds at most\n"
         "                      (default %d; each is a photo-sized mask while it runs)\n"
         "  -j, --jobs N        requests processed at once (default %d; the network runs one\n"
         "                      at a time, decoding and encoding overlap it)\n"
         "      --queue N       requests accepted beyond those, waiting (default %d); more\n"
         "                      get 503 with Retry-After\n"
         "      --max-body B    largest request body in bytes, k/M/G suffixes (default 64M)\n"
         "      --max-pixels N  largest image in pixels, read from its header (default %llu)\n"
         "  -t, --threads N     threads of the network (default: all cores)\n"
         "  -q, --quiet         no request log lines\n"
         "      --no-cache      prepare the model from its file, without the prepared-model\n"
         "                      cache ($CUTOUT_CACHE_DIR, else ~/.cache/cutout)\n"
         "POST /api/remove (multipart field 'file', or the raw image as the body);\n"
         "POST /api/instances (the same, JSON with each instance's box and PNG);\n"
         "GET /healthz; the web page at /.\n",
         SV_DEFAULT_MAX_INSTANCES, SV_DEFAULT_JOBS, SV_DEFAULT_QUEUE,
         (unsigned long long)SV_DEFAULT_MAX_PIXELS);
}

int cmd_serve(int argc, char **argv) {
  sv_config cfg;
  sv_config_init(&cfg);
  const char *model_path = NULL, *detector_path = NULL;
  int threads = 0, no_detector = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    long n;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage();
      return 0;
    } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
      cfg.quiet = 1;
      continue;
    } else if (!strcmp(a, "--no-cache")) {
      ct_set_cache(0, NULL);
      continue;
    } else if (!strcmp(a, "--no-detector")) {
      no_detector = 1;
      continue;
    }
    if (!v || a[0] != '-') {
      cli_error(a[0] == '-' ? "option '%s' needs a value" : "unexpected argument '%s'", a);
      return 2;
    }
    i++;
    if (!strcmp(a, "-p") || !strcmp(a, "--port")) {
      if ((n = parse_count(v, 0, 65535)) < 0) {
        cli_error("--port is 0..65535, not '%s'", v);
        return 2;
      }
      cfg.port = (int)n;
    } else if (!strcmp(a, "--host")) {
      cfg.host = v;
    } else if (!strcmp(a, "-m") || !strcmp(a, "--model")) {
      model_path = v;
    } else if (!strcmp(a, "--detector")) {
      detector_path = v;
    } else if (!strcmp(a, "--max-instances")) {
      if ((n = parse_count(v, 1, CT_DETECT_MAX)) < 0) {
        cli_error("--max-instances is 1..%d, not '%s'", CT_DETECT_MAX, v);
        return 2;
      }
      cfg.max_instances = (int)n;
    } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
      if ((n = parse_count(v, 1, 256)) < 0) {
        cli_error("--jobs is 1..256, not '%s'", v);
        return 2;
      }
      cfg.jobs = (int)n;
    } else if (!strcmp(a, "--queue")) {
      if ((n = parse_count(v, 0, 100000)) < 0) {
        cli_error("--queue is 0..100000, not '%s'", v);
        return 2;
      }
      cfg.queue = (int)n;
    } else if (!strcmp(a, "--max-body")) {
      if (!(cfg.max_body = parse_bytes(v))) {
        cli_error("--max-body is a positive number of bytes (k, M, G allowed), not '%s'", v);
        return 2;
      }
    } else if (!strcmp(a, "--max-pixels")) {
      if ((n = parse_count(v, 1, 1L << 40)) < 0) {
        cli_error("--max-pixels is a positive number, not '%s'", v);
        return 2;
      }
      cfg.max_pixels = (uint64_t)n;
    } else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) {
      if ((threads = cli_parse_int(v)) < 0) {
        cli_error("--threads needs a positive number, not '%s'", v);
        return 2;
      }
    } else {
      cli_error("unknown option '%s' (try 'cutout serve --help')", a);
      return 2;
    }
  }
  if (no_detector && detector_path) {
    cli_error("--detector and --no-detector: choose one");
    return 2;
  }
  char model_buf[4096], det_buf[4096];
  if (!model_path) {
    if (cli_default_model(model_buf, sizeof model_buf) != 0) return 1;
    model_path = model_buf;
  }
  if (!detector_path && !no_detector) {
    if (cli_default_detector(det_buf, sizeof det_buf) == 0)
      detector_path = det_buf;
    else
      fprintf(stderr, "cutout serve: starting without the detector: subject= and "
                      "/api/instances answer 501 no_detector\n");
  }
  ct_model *model = NULL;
  ct_detector *detector = NULL;
  ct_error err = {0};
  ct_set_threads(threads);
  if (ct_model_load(model_path, &model, &err)) {
    cli_error("%s", err.message);
    return 1;
  }
  if (detector_path && ct_detector_load(detector_path, &detector, &err)) {
    cli_error("detector: %s", err.message);
    ct_model_free(model);
    return 1;
  }
  const char *slash = strrchr(model_path, '/');
  const char *dslash = detector_path ? strrchr(detector_path, '/') : NULL;
  sv_model_engine *me =
      sv_model_engine_new(model, detector, threads, slash ? slash + 1 : model_path,
                          dslash ? dslash + 1 : detector_path);
  if (!me) {
    cli_error("out of memory");
    ct_model_free(model);
    ct_detector_free(detector);
    return 1;
  }
  sv_engine engine = sv_model_engine_get(me);
  int rc = sv_run(&cfg, &engine);
  sv_model_engine_free(me); /* and the model and the detector */
  return rc;
}
