/* ms-analysis-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MS_ANALYSIS_ERROR (ms_analysis_error_quark ())

/**
 * MsAnalysisError:
 * @MS_ANALYSIS_ERROR_EMPTY: the input holds no data (or only white space)
 * @MS_ANALYSIS_ERROR_SYNTAX: the input is not JSON (bad token, invalid UTF-8, binary data,
 *   trailing content after the document)
 * @MS_ANALYSIS_ERROR_TRUNCATED: the input ends in the middle of the document
 * @MS_ANALYSIS_ERROR_TOO_DEEP: arrays or objects nest deeper than the parser allows
 * @MS_ANALYSIS_ERROR_WRONG_TYPE: a member has the wrong JSON type
 * @MS_ANALYSIS_ERROR_MISSING_MEMBER: a required member is absent
 * @MS_ANALYSIS_ERROR_DUPLICATE_MEMBER: a member appears twice in one object
 * @MS_ANALYSIS_ERROR_INVALID_VALUE: a number is negative, not an integer or too large,
 *   or a string has a value that is not allowed
 * @MS_ANALYSIS_ERROR_INVALID_ADDRESS: an address is not `0x` followed by hex digits
 * @MS_ANALYSIS_ERROR_EMPTY_STACK: a sample has no frames
 * @MS_ANALYSIS_ERROR_CDP_ERROR: the input is a CDP error reply instead of a result
 * @MS_ANALYSIS_ERROR_COMPRESSION: gzip data that cannot be decompressed
 * @MS_ANALYSIS_ERROR_FORMAT: a session file has the wrong format tag
 * @MS_ANALYSIS_ERROR_VERSION: a session file has a version this build cannot read
 * @MS_ANALYSIS_ERROR_TOO_LARGE: the input, or what it decompresses to, is larger than
 *   %MS_PROFILE_MAX_INPUT_BYTES
 * @MS_ANALYSIS_ERROR_TOO_MANY: more distinct names than a store keeps (counter names)
 *
 * Errors of the analysis layer. Every message names what was wrong and where,
 * as a path into the document, for example
 * `result.profile.samples[12].size: expected a number, got a string`.
 */
typedef enum
{
  MS_ANALYSIS_ERROR_EMPTY,
  MS_ANALYSIS_ERROR_SYNTAX,
  MS_ANALYSIS_ERROR_TRUNCATED,
  MS_ANALYSIS_ERROR_TOO_DEEP,
  MS_ANALYSIS_ERROR_WRONG_TYPE,
  MS_ANALYSIS_ERROR_MISSING_MEMBER,
  MS_ANALYSIS_ERROR_DUPLICATE_MEMBER,
  MS_ANALYSIS_ERROR_INVALID_VALUE,
  MS_ANALYSIS_ERROR_INVALID_ADDRESS,
  MS_ANALYSIS_ERROR_EMPTY_STACK,
  MS_ANALYSIS_ERROR_CDP_ERROR,
  MS_ANALYSIS_ERROR_COMPRESSION,
  MS_ANALYSIS_ERROR_FORMAT,
  MS_ANALYSIS_ERROR_VERSION,
  MS_ANALYSIS_ERROR_TOO_LARGE,
  MS_ANALYSIS_ERROR_TOO_MANY,
} MsAnalysisError;

GQuark ms_analysis_error_quark (void);

G_END_DECLS
