/* libvips opened at run time, on a thread started with the program (image/vips_api.h). */
#define IMG_VIPS_API_DEFINE
#include "image/vips_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "image/image.h"

#ifndef CUTOUT_VIPS_SONAME
#define CUTOUT_VIPS_SONAME "libvips.so.42"
#endif

img_vips_api img_vips;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int state; /* 0 not started, 1 opening, 2 open, -1 failed */
static char why[256];

/* Opens the library and finds every function; the state it ends in. */
static int open_now(void) {
  void *h = dlopen(CUTOUT_VIPS_SONAME, RTLD_NOW | RTLD_GLOBAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(why, sizeof why, "cannot open libvips (%s): %s", CUTOUT_VIPS_SONAME,
             e ? e : "unknown error");
    return -1;
  }
  img_vips_api api;
#define IMG_VIPS_FIND(f)                                                                     \
  {                                                                                          \
    void *p = dlsym(h, #f);                                                                  \
    if (!p) {                                                                                \
      snprintf(why, sizeof why, "libvips (%s) has no %s: another version than the one "      \
               "cutout was built with", CUTOUT_VIPS_SONAME, #f);                             \
      return -1;                                                                             \
    }                                                                                        \
    memcpy(&api.f, &p, sizeof p);                                                            \
  }
  IMG_VIPS_FUNCTIONS(IMG_VIPS_FIND)
#undef IMG_VIPS_FIND
  img_vips = api; /* (the handle stays open for the process's life) */
  return 2;
}

/* Takes the opening on (state 0 -> 1) when nobody has: 1 if the caller is to open it. */
static int claim(void) {
  pthread_mutex_lock(&lock);
  int mine = state == 0;
  if (mine) state = 1;
  pthread_mutex_unlock(&lock);
  return mine;
}

static void finish(int result) {
  pthread_mutex_lock(&lock);
  state = result;
  pthread_cond_broadcast(&done_cond);
  pthread_mutex_unlock(&lock);
}

static void *open_thread(void *arg) {
  (void)arg;
  finish(open_now());
  return NULL;
}

void img_preload(void) {
  if (!claim()) return;
  pthread_t t;
  pthread_attr_t attr;
  int started = pthread_attr_init(&attr) == 0;
  if (started) {
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    started = pthread_create(&t, &attr, open_thread, NULL) == 0;
    pthread_attr_destroy(&attr);
  }
  if (!started) finish(open_now()); /* no thread to be had: here and now */
}

int img_vips_open(char *err, size_t errlen) {
  if (claim()) finish(open_now());
  pthread_mutex_lock(&lock);
  while (state == 1) pthread_cond_wait(&done_cond, &lock);
  int s = state;
  pthread_mutex_unlock(&lock);
  if (s == 2) return 0;
  if (err && errlen) snprintf(err, errlen, "%s", why);
  return -1;
}
