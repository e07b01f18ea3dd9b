/* ms-cli-context.c: what every memscope-cli command shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ms-cli"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "ms-cdp-error.h"

#include "ms-cli-context.h"

struct _MsCliContext
{
  /* Global options */
  char               *endpoint_text;
  char               *ws_text;
  char               *target_selector;
  guint               timeout;

  char               *command;

  GMainLoop          *loop;
  GCancellable       *cancellable;
  int                 status;
  guint               exited : 1;
  guint               interrupted : 1;
  guint               warned_remote : 1;
  /* Asynchronous operations under way; run() waits for them after the exit so that
   * no callback outlives the command's state. */
  guint               n_holds;

  guint               sigint_id;
  guint               sigterm_id;
  MsCliInterruptFunc  interrupt_func;
  gpointer            interrupt_data;

  MsCdpEndpoint      *endpoint;
};

MsCliContext *
ms_cli_context_new (void)
{
  MsCliContext *self = g_new0 (MsCliContext, 1);

  self->timeout = MS_CLI_DEFAULT_TIMEOUT_SECONDS;
  self->loop = g_main_loop_new (NULL, FALSE);
  self->cancellable = g_cancellable_new ();
  self->command = g_strdup ("");

  return self;
}

void
ms_cli_context_free (MsCliContext *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_pointer (&self->endpoint, ms_cdp_endpoint_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_free (self->endpoint_text);
  g_free (self->ws_text);
  g_free (self->target_selector);
  g_free (self->command);
  g_free (self);
}

/* Global options */

static gboolean
parse_endpoint_option (const char  *option_name,
                       const char  *value,
                       gpointer     data,
                       GError     **error)
{
  MsCliContext *self = data;

  g_free (self->endpoint_text);
  self->endpoint_text = g_strdup (value);
  g_clear_pointer (&self->endpoint, ms_cdp_endpoint_unref);

  return TRUE;
}

static gboolean
parse_ws_option (const char  *option_name,
                 const char  *value,
                 gpointer     data,
                 GError     **error)
{
  MsCliContext *self = data;

  if (!g_str_has_prefix (value, "ws://"))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--ws: “%s” is not a ws:// URL"), value);
      return FALSE;
    }

  g_free (self->ws_text);
  self->ws_text = g_strdup (value);
  g_clear_pointer (&self->endpoint, ms_cdp_endpoint_unref);

  return TRUE;
}

static gboolean
parse_target_option (const char  *option_name,
                     const char  *value,
                     gpointer     data,
                     GError     **error)
{
  MsCliContext *self = data;

  if (*value == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--target: empty target id or URL"));
      return FALSE;
    }

  g_free (self->target_selector);
  self->target_selector = g_strdup (value);

  return TRUE;
}

static gboolean
parse_timeout_option (const char  *option_name,
                      const char  *value,
                      gpointer     data,
                      GError     **error)
{
  MsCliContext *self = data;
  guint64 seconds;

  if (!g_ascii_string_to_unsigned (value, 10, 1, MS_CLI_MAX_TIMEOUT_SECONDS, &seconds, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--timeout: “%s” is not a whole number of seconds between 1 and %u"),
                   value, MS_CLI_MAX_TIMEOUT_SECONDS);
      return FALSE;
    }

  self->timeout = seconds;

  return TRUE;
}

static const GOptionEntry connection_entries[] = {
  { "endpoint", 0, 0, G_OPTION_ARG_CALLBACK, parse_endpoint_option,
    /* The default written out (a macro cannot be translated): MS_CLI_DEFAULT_ENDPOINT. */
    N_("DevTools endpoint: HOST:PORT, http://HOST:PORT or a DevToolsActivePort file "
       "(default 127.0.0.1:9222)"), "HOST:PORT" },
  { "ws", 0, 0, G_OPTION_ARG_CALLBACK, parse_ws_option,
    N_("Connect to this target WebSocket directly instead of discovering targets"), "URL" },
  { "target", 0, 0, G_OPTION_ARG_CALLBACK, parse_target_option,
    N_("Target id, or a substring of its URL (default: the first page)"), "ID|URL-SUBSTRING" },
  /* Keep it last: MS_CLI_OPTIONS_TIMEOUT uses the tail of this array. */
  { "timeout", 0, 0, G_OPTION_ARG_CALLBACK, parse_timeout_option,
    N_("Longest wait for any answer, in seconds (default 30)"), "SECONDS" },
  { NULL }
};

static const GOptionEntry no_entries[] = {
  { NULL }
};

const GOptionEntry *
ms_cli_context_get_global_entries (MsCliOptions options)
{
  switch (options)
    {
    case MS_CLI_OPTIONS_CONNECTION:
      return connection_entries;
    case MS_CLI_OPTIONS_TIMEOUT:
      return &connection_entries[G_N_ELEMENTS (connection_entries) - 2];
    case MS_CLI_OPTIONS_NONE:
    default:
      return no_entries;
    }
}

gboolean
ms_cli_context_parse_options (MsCliContext        *self,
                              const char          *command,
                              const char          *parameter_string,
                              const char          *summary,
                              const char          *description,
                              const GOptionEntry  *entries,
                              MsCliOptions         options,
                              GStrv               *args)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = NULL;
  GOptionGroup *group;

  g_free (self->command);
  self->command = g_strdup (command);

  /* The usage line is "Usage: PRGNAME [OPTION…] PARAMETERS". */
  prgname = g_strdup_printf ("%s %s", MS_CLI_PROGRAM_NAME, command);
  g_set_prgname (prgname);

  option_context = g_option_context_new (parameter_string);
  group = g_option_group_new (command, summary, _("Show this command's options"), self, NULL);
  /* The entries' descriptions are N_() marked; summary and description come translated. */
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_group_add_entries (group, entries);
  g_option_group_add_entries (group, ms_cli_context_get_global_entries (options));
  g_option_context_set_main_group (option_context, group);
  g_option_context_set_summary (option_context, summary);
  if (description != NULL)
    g_option_context_set_description (option_context, description);

  if (!g_option_context_parse_strv (option_context, args, &error))
    {
      ms_cli_context_usage_error (self, "%s", error->message);
      return FALSE;
    }

  if (self->ws_text != NULL && self->endpoint_text != NULL)
    {
      ms_cli_context_usage_error (self, _("give either --endpoint or --ws, not both"));
      return FALSE;
    }

  return TRUE;
}

const char *
ms_cli_context_get_command (MsCliContext *self)
{
  return self->command;
}

guint
ms_cli_context_get_timeout (MsCliContext *self)
{
  return self->timeout;
}

const char *
ms_cli_context_get_target_selector (MsCliContext *self)
{
  return self->target_selector;
}

const char *
ms_cli_context_get_ws_url (MsCliContext *self)
{
  return self->ws_text;
}

GCancellable *
ms_cli_context_get_cancellable (MsCliContext *self)
{
  return self->cancellable;
}

gboolean
ms_cli_context_get_interrupted (MsCliContext *self)
{
  return self->interrupted;
}

/* Reporting */

static void
print_message (MsCliContext *self,
               const char   *message)
{
  if (self->command != NULL && *self->command != '\0')
    fprintf (stderr, "%s: %s: %s\n", MS_CLI_PROGRAM_NAME, self->command, message);
  else
    fprintf (stderr, "%s: %s\n", MS_CLI_PROGRAM_NAME, message);
  fflush (stderr);
}

void
ms_cli_context_warn (MsCliContext *self,
                     const char   *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  print_message (self, message);
}

int
ms_cli_context_usage_error (MsCliContext *self,
                            const char   *format,
                            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (!self->exited)
    print_message (self, message);
  ms_cli_context_exit (self, MS_CLI_EXIT_ERROR);

  return MS_CLI_EXIT_ERROR;
}

void
ms_cli_context_failf (MsCliContext *self,
                      const char   *format,
                      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (self->exited)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  print_message (self, message);
  ms_cli_context_exit (self, MS_CLI_EXIT_ERROR);
}

void
ms_cli_context_fail (MsCliContext *self,
                     const GError *error)
{
  ms_cli_context_failf (self, "%s", error->message);
}

void
ms_cli_context_fail_prefixed (MsCliContext *self,
                              const GError *error,
                              const char   *format,
                              ...)
{
  g_autofree char *prefix = NULL;
  va_list args;

  va_start (args, format);
  prefix = g_strdup_vprintf (format, args);
  va_end (args);

  ms_cli_context_failf (self, "%s: %s", prefix, error->message);
}

/* The main loop */

void
ms_cli_context_exit (MsCliContext *self,
                     MsCliExit     status)
{
  if (self->exited)
    return;

  self->exited = TRUE;
  self->status = status;
  g_cancellable_cancel (self->cancellable);
  g_main_loop_quit (self->loop);
}

void
ms_cli_context_hold (MsCliContext *self)
{
  self->n_holds++;
}

gboolean
ms_cli_context_release (MsCliContext *self)
{
  g_return_val_if_fail (self->n_holds > 0, FALSE);

  self->n_holds--;

  return !self->exited;
}

/* Ends a live target's connect that was started with the context held: TRUE when
 * the command goes on; FALSE when it was interrupted meanwhile or the connection
 * failed (then reported, with the command's exit status). */
gboolean
ms_cli_context_connect_finish (MsCliContext *self,
                               MsLiveTarget *target,
                               GAsyncResult *result)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = ms_live_target_connect_finish (target, result, &error);
  if (!ms_cli_context_release (self))
    return FALSE;
  if (!ok)
    {
      ms_cli_context_fail (self, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
ms_cli_context_is_running (MsCliContext *self)
{
  return !self->exited;
}

void
ms_cli_context_set_interrupt_func (MsCliContext       *self,
                                   MsCliInterruptFunc  func,
                                   gpointer            user_data)
{
  self->interrupt_func = func;
  self->interrupt_data = user_data;
}

static gboolean
on_signal (gpointer user_data)
{
  MsCliContext *self = user_data;

  if (self->interrupted || self->interrupt_func == NULL)
    {
      self->interrupted = TRUE;
      ms_cli_context_failf (self, _("interrupted"));
      return G_SOURCE_CONTINUE;
    }

  self->interrupted = TRUE;
  self->interrupt_func (self, self->interrupt_data);

  return G_SOURCE_CONTINUE;
}

int
ms_cli_context_run (MsCliContext *self)
{
  if (self->sigint_id == 0)
    self->sigint_id = g_unix_signal_add (SIGINT, on_signal, self);
  if (self->sigterm_id == 0)
    self->sigterm_id = g_unix_signal_add (SIGTERM, on_signal, self);

  if (!self->exited)
    g_main_loop_run (self->loop);

  /* Let cancelled and failed operations call back while their state still exists. */
  while (self->n_holds > 0)
    g_main_context_iteration (NULL, TRUE);

  return self->status;
}

/* Connecting */

/* The endpoint the global options name (parsed once), with the non-loopback warning
 * printed the first time. NULL after reporting the error. */
static MsCdpEndpoint *
get_endpoint (MsCliContext *self)
{
  g_autoptr(GError) error = NULL;
  const char *text;

  if (self->endpoint != NULL)
    return self->endpoint;

  text = self->ws_text ? self->ws_text :
         self->endpoint_text ? self->endpoint_text :
         MS_CLI_DEFAULT_ENDPOINT;

  self->endpoint = ms_cdp_endpoint_parse (text, &error);
  if (self->endpoint == NULL)
    {
      /* Translators: an option (--ws or --endpoint), what the user gave, why it is wrong. */
      ms_cli_context_failf (self, _("%s “%s”: %s"),
                            self->ws_text ? "--ws" : "--endpoint", text, error->message);
      return NULL;
    }

  if (!ms_cdp_endpoint_is_loopback (self->endpoint) && !self->warned_remote)
    {
      g_autofree char *where = ms_cdp_endpoint_to_string (self->endpoint);

      /* The DevTools protocol has no authentication: whoever reaches the port owns the browser. */
      ms_cli_context_warn (self, _("warning: %s is not a loopback address; the DevTools "
                                   "protocol is unencrypted and unauthenticated"), where);
      self->warned_remote = TRUE;
    }

  return self->endpoint;
}

MsLiveTarget *
ms_cli_context_new_live_target (MsCliContext *self)
{
  g_autoptr(GError) error = NULL;
  MsLiveTarget *target;

  if (self->ws_text != NULL && self->target_selector != NULL)
    {
      ms_cli_context_failf (self, _("give either --ws or --target, not both"));
      return NULL;
    }

  /* Parsed here first for the option's name in the message and the remote warning. */
  if (get_endpoint (self) == NULL)
    return NULL;

  target = ms_live_target_new_for_endpoint (self->ws_text ? self->ws_text :
                                            self->endpoint_text ? self->endpoint_text :
                                            MS_CLI_DEFAULT_ENDPOINT, &error);
  if (target == NULL)
    {
      ms_cli_context_fail (self, error);
      return NULL;
    }
  ms_live_target_set_timeout (target, self->timeout);
  ms_live_target_set_reconnect_window (target, self->timeout);

  return target;
}

MsLiveTarget *
ms_cli_context_connect_live_target (MsCliContext        *self,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  MsLiveTarget *target = ms_cli_context_new_live_target (self);

  if (target == NULL)
    return NULL;

  ms_cli_context_hold (self);
  ms_live_target_connect_async (target, self->target_selector, self->cancellable, callback,
                                user_data);
  return target;
}

/* Output */

void
ms_cli_print_json_line (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

char *
ms_cli_format_timestamp (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);
  g_autofree char *seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (utc) / 1000);
}
