/* Running the service in the foreground until a signal. */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve.h"

int sv_run(const sv_config *cfg, const sv_engine *engine) {
  /* Image buffers are mapped and unmapped one by one (no dynamic threshold that would move
   * them into the heap, where they fragment it), and few malloc arenas: memory stays flat
   * over many requests. */
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_ARENA_MAX, 4);
  signal(SIGPIPE, SIG_IGN);
  /* The signals are taken by sigwait below; every thread started from here inherits the
   * mask. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);

  sv_server *s;
  char err[300];
  if (sv_start(cfg, engine, &s, err, sizeof err)) {
    fprintf(stderr, "cutout: %s\n", err);
    return 1;
  }
  const char *host = cfg->host && *cfg->host ? cfg->host : "127.0.0.1";
  int v6 = strchr(host, ':') != NULL;
  printf("cutout serve: listening on http://%s%s%s:%d/ (model %s, detector %s; %d jobs, "
         "queue %d)\n",
         v6 ? "[" : "", host, v6 ? "]" : "", sv_port(s), engine->name,
         engine->detector ? engine->detector : "none", cfg->jobs, cfg->queue);
  fflush(stdout);

  int sig = 0;
  while (sigwait(&stop, &sig) != 0) {
  }
  fprintf(stderr, "cutout serve: %s: finishing the requests in progress (again to quit now)\n",
          sig == SIGINT ? "interrupted" : "terminated");
  sv_begin_stop(s);
  struct timespec tick = {0, 50 * 1000 * 1000};
  while (sv_busy(s)) {
    if (sigtimedwait(&stop, NULL, &tick) > 0) {
      fprintf(stderr, "cutout serve: stopped with requests unanswered\n");
      _exit(130);
    }
  }
  sv_stop(s);
  fprintf(stderr, "cutout serve: stopped\n");
  return 0;
}
