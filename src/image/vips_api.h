/* libvips, opened at run time. A program linked with libvips' forty-odd shared libraries
 * spends about 45 ms in the dynamic loader before main; here libvips is opened with dlopen,
 * on a thread of its own started at the program's start (img_preload), while the model
 * loads. The image module's files (and the two outside it that call libvips) include this
 * header after <vips/vips.h>: each libvips function they call then goes through a pointer
 * that img_init filled (it waits for that thread). Nothing calls libvips before img_init. */
#ifndef CUTOUT_IMAGE_VIPS_API_H
#define CUTOUT_IMAGE_VIPS_API_H

#include <vips/vips.h>

/* Every libvips function called here, the ones libvips' own macros call included. */
#define IMG_VIPS_FUNCTIONS(X)                                                                   \
  X(vips_area_unref) X(vips_autorot) X(vips_bandjoin) X(vips_bandjoin_const1) X(vips_blob_get) \
  X(vips_block_untrusted_set) X(vips_cache_set_max) X(vips_call) X(vips_cast)                   \
  X(vips_colourspace) X(vips_copy) X(vips_embed) X(vips_error) X(vips_error_buffer_copy)        \
  X(vips_error_clear) X(vips_extract_band) X(vips_format_sizeof_unsafe) X(vips_icc_present)     \
  X(vips_icc_transform) X(vips_image_copy_memory) X(vips_image_get_orientation)                 \
  X(vips_image_get_typeof) X(vips_image_guess_interpretation) X(vips_image_hasalpha)            \
  X(vips_image_new_from_memory) X(vips_image_write_to_memory) X(vips_init)                      \
  X(vips_jpegsave_buffer) X(vips_jpegsave_target) X(vips_operation_block_set)                   \
  X(vips_pngsave_target) X(vips_region_new) X(vips_region_prepare) X(vips_resize)               \
  X(vips_sink_disc) X(vips_source_new_from_descriptor) X(vips_source_new_from_memory)           \
  X(vips_target_new_to_descriptor) X(vips_target_new_to_memory) X(vips_tiffsave_target)         \
  X(vips_type_find) X(vips_version) X(vips_version_string) X(vips_webpsave_target)

typedef struct img_vips_api {
#define IMG_VIPS_MEMBER(f) __typeof__(&f) f;
  IMG_VIPS_FUNCTIONS(IMG_VIPS_MEMBER)
#undef IMG_VIPS_MEMBER
} img_vips_api;

extern img_vips_api img_vips;

/* Opens libvips (once; a second call waits for the first). 0, or -1 with why in err. */
int img_vips_open(char *err, size_t errlen);

#ifndef IMG_VIPS_API_DEFINE /* (vips_api.c fills the pointers by their names) */
#define vips_area_unref (*img_vips.vips_area_unref)
#define vips_autorot (*img_vips.vips_autorot)
#define vips_bandjoin (*img_vips.vips_bandjoin)
#define vips_bandjoin_const1 (*img_vips.vips_bandjoin_const1)
#define vips_blob_get (*img_vips.vips_blob_get)
#define vips_block_untrusted_set (*img_vips.vips_block_untrusted_set)
#define vips_cache_set_max (*img_vips.vips_cache_set_max)
#define vips_call (*img_vips.vips_call)
#define vips_cast (*img_vips.vips_cast)
#define vips_colourspace (*img_vips.vips_colourspace)
#define vips_copy (*img_vips.vips_copy)
#define vips_embed (*img_vips.vips_embed)
#define vips_error (*img_vips.vips_error)
#define vips_error_buffer_copy (*img_vips.vips_error_buffer_copy)
#define vips_error_clear (*img_vips.vips_error_clear)
#define vips_extract_band (*img_vips.vips_extract_band)
#define vips_format_sizeof_unsafe (*img_vips.vips_format_sizeof_unsafe)
#define vips_icc_present (*img_vips.vips_icc_present)
#define vips_icc_transform (*img_vips.vips_icc_transform)
#define vips_image_copy_memory (*img_vips.vips_image_copy_memory)
#define vips_image_get_orientation (*img_vips.vips_image_get_orientation)
#define vips_image_get_typeof (*img_vips.vips_image_get_typeof)
#define vips_image_guess_interpretation (*img_vips.vips_image_guess_interpretation)
#define vips_image_hasalpha (*img_vips.vips_image_hasalpha)
#define vips_image_new_from_memory (*img_vips.vips_image_new_from_memory)
#define vips_image_write_to_memory (*img_vips.vips_image_write_to_memory)
#define vips_init (*img_vips.vips_init)
#define vips_jpegsave_buffer (*img_vips.vips_jpegsave_buffer)
#define vips_jpegsave_target (*img_vips.vips_jpegsave_target)
#define vips_operation_block_set (*img_vips.vips_operation_block_set)
#define vips_pngsave_target (*img_vips.vips_pngsave_target)
#define vips_region_new (*img_vips.vips_region_new)
#define vips_region_prepare (*img_vips.vips_region_prepare)
#define vips_resize (*img_vips.vips_resize)
#define vips_sink_disc (*img_vips.vips_sink_disc)
#define vips_source_new_from_descriptor (*img_vips.vips_source_new_from_descriptor)
#define vips_source_new_from_memory (*img_vips.vips_source_new_from_memory)
#define vips_target_new_to_descriptor (*img_vips.vips_target_new_to_descriptor)
#define vips_target_new_to_memory (*img_vips.vips_target_new_to_memory)
#define vips_tiffsave_target (*img_vips.vips_tiffsave_target)
#define vips_type_find (*img_vips.vips_type_find)
#define vips_version (*img_vips.vips_version)
#define vips_version_string (*img_vips.vips_version_string)
#define vips_webpsave_target (*img_vips.vips_webpsave_target)
#endif

#endif
