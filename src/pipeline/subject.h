/* ct_remove's subject (ct_remove_options.subject): the instances a cutout keeps. */
#ifndef CUTOUT_PIPELINE_SUBJECT_H
#define CUTOUT_PIPELINE_SUBJECT_H

#include "cutout.h"

/* The mask of the subject's instances joined (1 channel, the photo's size), into *mask;
 * stats' instances_*, detect_s and instances_s filled in. When the detector finds nothing
 * and the subject is "all" or "largest", *mask is NULL: the caller makes the ordinary mask.
 * A subject that is none of "all", "largest" or a class name, or no detector, is
 * CT_ERR_ARGUMENT. */
ct_status subject_mask(ct_model *model, const ct_image *photo, const ct_remove_options *opts,
                       ct_remove_stats *stats, ct_image **mask, ct_error *err);

#endif
