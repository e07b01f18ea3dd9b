/* ms-cli-targets.c: `memscope-cli targets`, the browser version and its targets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "ms-cli-commands.h"

typedef struct
{
  MsCliContext        *ctx;
  MsLiveTarget        *target;
  gboolean             json;
  MsCdpBrowserVersion *version;
} Targets;

static void
print_text (Targets   *self,
            GPtrArray *targets)
{
  /* Translators: the browser, e.g. "Chrome/156.0.8078.79", then two version numbers. */
  printf (_("%s (protocol %s, V8 %s)\n"),
          ms_cdp_browser_version_get_browser (self->version),
          ms_cdp_browser_version_get_protocol_version (self->version),
          ms_cdp_browser_version_get_v8_version (self->version));

  for (guint i = 0; i < targets->len; i++)
    {
      MsCdpTarget *target = g_ptr_array_index (targets, i);

      printf ("%s  %-10s  %s  %s\n",
              ms_cdp_target_get_id (target),
              ms_cdp_target_get_target_type (target),
              ms_cdp_target_get_url (target) ? ms_cdp_target_get_url (target) : "",
              ms_cdp_target_get_title (target) ? ms_cdp_target_get_title (target) : "");
    }
  fflush (stdout);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
print_json (Targets   *self,
            GPtrArray *targets)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  add_string_member (builder, "browser", ms_cdp_browser_version_get_browser (self->version));
  add_string_member (builder, "protocolVersion",
                     ms_cdp_browser_version_get_protocol_version (self->version));
  add_string_member (builder, "v8Version", ms_cdp_browser_version_get_v8_version (self->version));
  add_string_member (builder, "webkitVersion",
                     ms_cdp_browser_version_get_webkit_version (self->version));
  add_string_member (builder, "userAgent", ms_cdp_browser_version_get_user_agent (self->version));
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < targets->len; i++)
    {
      MsCdpTarget *target = g_ptr_array_index (targets, i);

      json_builder_begin_object (builder);
      add_string_member (builder, "id", ms_cdp_target_get_id (target));
      add_string_member (builder, "type", ms_cdp_target_get_target_type (target));
      add_string_member (builder, "title", ms_cdp_target_get_title (target));
      add_string_member (builder, "url", ms_cdp_target_get_url (target));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  ms_cli_print_json_line (root);
}

static void
on_targets_listed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Targets *self = user_data;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GError) error = NULL;

  targets = ms_live_target_list_targets_finish (MS_LIVE_TARGET (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (targets == NULL)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  if (self->json)
    print_json (self, targets);
  else
    print_text (self, targets);

  ms_cli_context_exit (self->ctx, MS_CLI_EXIT_OK);
}

static void
on_version (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Targets *self = user_data;
  g_autoptr(GError) error = NULL;

  self->version = ms_live_target_get_version_finish (MS_LIVE_TARGET (object), result, &error);
  if (!ms_cli_context_release (self->ctx))
    return;

  if (self->version == NULL)
    {
      ms_cli_context_fail (self->ctx, error);
      return;
    }

  ms_cli_context_hold (self->ctx);
  ms_live_target_list_targets_async (self->target, ms_cli_context_get_cancellable (self->ctx),
                                     on_targets_listed, self);
}

int
ms_cli_targets (MsCliContext *ctx,
                GStrv         args)
{
  g_auto(GStrv) owned_args = args;
  g_autoptr(MsLiveTarget) target = NULL;
  Targets self = { ctx, NULL, FALSE, NULL };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &self.json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  int status;

  if (!ms_cli_context_parse_options (ctx, "targets", "",
                                     _("Print the browser version and its targets: id, type, "
                                       "URL and title, one per line."),
                                     NULL, entries, MS_CLI_OPTIONS_CONNECTION, &owned_args))
    return MS_CLI_EXIT_ERROR;

  if (owned_args[1] != NULL)
    return ms_cli_context_usage_error (ctx, _("unexpected argument “%s”"), owned_args[1]);

  /* Only the endpoint: no page is attached to. */
  target = ms_cli_context_new_live_target (ctx);
  if (target == NULL)
    return ms_cli_context_run (ctx);

  self.target = target;
  ms_cli_context_hold (ctx);
  ms_live_target_get_version_async (target, ms_cli_context_get_cancellable (ctx), on_version,
                                    &self);
  status = ms_cli_context_run (ctx);

  g_clear_object (&self.version);

  return status;
}
