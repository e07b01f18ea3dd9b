/* test-endpoint.c: what a user may type to name a DevTools server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "ms-cdp-endpoint.h"
#include "ms-cdp-error.h"

typedef struct
{
  const char *text;
  const char *host;
  guint16     port;
  const char *ws_path;
  const char *as_string;
  gboolean    loopback;
} GoodInput;

static const GoodInput good_inputs[] = {
  { "127.0.0.1:9222", "127.0.0.1", 9222, NULL, "127.0.0.1:9222", TRUE },
  { "  localhost:1  ", "localhost", 1, NULL, "localhost:1", TRUE },
  { "example.org:65535", "example.org", 65535, NULL, "example.org:65535", FALSE },
  { "[::1]:9222", "::1", 9222, NULL, "[::1]:9222", TRUE },
  { "[fe80::1]:80", "fe80::1", 80, NULL, "[fe80::1]:80", FALSE },
  { "http://127.0.0.1:9222", "127.0.0.1", 9222, NULL, "127.0.0.1:9222", TRUE },
  { "http://127.0.0.1:9222/", "127.0.0.1", 9222, NULL, "127.0.0.1:9222", TRUE },
  { "HTTP://Localhost:9222/", "Localhost", 9222, NULL, "Localhost:9222", TRUE },
  { "http://[::1]:9333/", "::1", 9333, NULL, "[::1]:9333", TRUE },
  { "ws://127.0.0.1:9222/devtools/browser/ebab357a-cb32-4f02-9915-a7784f7ab712",
    "127.0.0.1", 9222, "/devtools/browser/ebab357a-cb32-4f02-9915-a7784f7ab712",
    "127.0.0.1:9222", TRUE },
  { "ws://10.0.0.2:9222/devtools/page/AA78?x=1", "10.0.0.2", 9222,
    "/devtools/page/AA78?x=1", "10.0.0.2:9222", FALSE },
  { "ws://127.0.0.1:9222", "127.0.0.1", 9222, NULL, "127.0.0.1:9222", TRUE },
};

typedef struct
{
  const char *text;
  int         code;
  const char *message_part;
} BadInput;

static const BadInput bad_inputs[] = {
  { "", MS_CDP_ERROR_INVALID_ENDPOINT, "empty" },
  { "   ", MS_CDP_ERROR_INVALID_ENDPOINT, "empty" },
  { "localhost", MS_CDP_ERROR_INVALID_ENDPOINT, "no port" },
  { "localhost:", MS_CDP_ERROR_INVALID_ENDPOINT, "no port" },
  { ":9222", MS_CDP_ERROR_INVALID_ENDPOINT, "no host" },
  { "localhost:0", MS_CDP_ERROR_INVALID_ENDPOINT, "out of range" },
  { "localhost:65536", MS_CDP_ERROR_INVALID_ENDPOINT, "out of range" },
  { "localhost:99999999999999999999", MS_CDP_ERROR_INVALID_ENDPOINT, "out of range" },
  { "localhost:-1", MS_CDP_ERROR_INVALID_ENDPOINT, "not a number" },
  { "localhost:92a2", MS_CDP_ERROR_INVALID_ENDPOINT, "not a number" },
  { "local host:9222", MS_CDP_ERROR_INVALID_ENDPOINT, "not a host name" },
  { "::1:9222", MS_CDP_ERROR_INVALID_ENDPOINT, "brackets" },
  { "[::1:9222", MS_CDP_ERROR_INVALID_ENDPOINT, "unclosed" },
  { "[::1]", MS_CDP_ERROR_INVALID_ENDPOINT, "no port" },
  { "[nonsense]:9222", MS_CDP_ERROR_INVALID_ENDPOINT, "not an IPv6 address" },
  { "user@localhost:9222", MS_CDP_ERROR_INVALID_ENDPOINT, "not HOST:PORT" },
  { "https://127.0.0.1:9222", MS_CDP_ERROR_INVALID_ENDPOINT, "Unsupported scheme “https”" },
  { "wss://127.0.0.1:9222/devtools/browser/x", MS_CDP_ERROR_INVALID_ENDPOINT, "Unsupported scheme “wss”" },
  { "ftp://127.0.0.1:9222", MS_CDP_ERROR_INVALID_ENDPOINT, "Unsupported scheme" },
  { "http://127.0.0.1", MS_CDP_ERROR_INVALID_ENDPOINT, "no port" },
  { "http://127.0.0.1:70000/", MS_CDP_ERROR_INVALID_ENDPOINT, "out of range" },
  { "http://:9222/", MS_CDP_ERROR_INVALID_ENDPOINT, "no host" },
  { "http://127.0.0.1:9222/json/version", MS_CDP_ERROR_INVALID_ENDPOINT, "has a path" },
  { "http://u:p@127.0.0.1:9222", MS_CDP_ERROR_INVALID_ENDPOINT, "user information" },
  { "ws://127.0.0.1:9222/devtools#frag", MS_CDP_ERROR_INVALID_ENDPOINT, "fragment" },
  { "/nonexistent/memscope/DevToolsActivePort", MS_CDP_ERROR_INVALID_ENDPOINT, "Cannot read" },
};

static void
test_endpoint_good_inputs (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (good_inputs); i++)
    {
      const GoodInput *input = &good_inputs[i];
      g_autoptr(MsCdpEndpoint) endpoint = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *as_string = NULL;

      g_test_message ("good input “%s”", input->text);

      endpoint = ms_cdp_endpoint_parse (input->text, &error);
      g_assert_no_error (error);
      g_assert_nonnull (endpoint);

      g_assert_cmpstr (ms_cdp_endpoint_get_host (endpoint), ==, input->host);
      g_assert_cmpuint (ms_cdp_endpoint_get_port (endpoint), ==, input->port);
      g_assert_cmpstr (ms_cdp_endpoint_get_ws_path (endpoint), ==, input->ws_path);
      g_assert_cmpint (ms_cdp_endpoint_is_loopback (endpoint), ==, input->loopback);

      as_string = ms_cdp_endpoint_to_string (endpoint);
      g_assert_cmpstr (as_string, ==, input->as_string);
    }
}

static void
test_endpoint_bad_inputs (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      const BadInput *input = &bad_inputs[i];
      g_autoptr(MsCdpEndpoint) endpoint = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("bad input “%s”", input->text);

      endpoint = ms_cdp_endpoint_parse (input->text, &error);
      g_assert_null (endpoint);
      g_assert_error (error, MS_CDP_ERROR, input->code);
      g_test_message ("  -> %s", error->message);
      g_assert_nonnull (strstr (error->message, input->message_part));
    }
}

static void
test_endpoint_null_input (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (ms_cdp_endpoint_parse (NULL, &error));
  g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT);
}

/* Profile directories made for one test, removed in teardown. */
typedef struct
{
  char *dir;
  char *file;
} FileFixture;

static void
file_fixture_set_up (FileFixture   *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("memscope-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->file = g_build_filename (fixture->dir, "DevToolsActivePort", NULL);
}

static void
file_fixture_tear_down (FileFixture   *fixture,
                        gconstpointer  user_data)
{
  g_unlink (fixture->file);
  g_rmdir (fixture->dir);
  g_free (fixture->file);
  g_free (fixture->dir);
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_endpoint_active_port_file (FileFixture   *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(MsCdpEndpoint) from_file = NULL;
  g_autoptr(MsCdpEndpoint) from_dir = NULL;
  g_autoptr(MsCdpEndpoint) port_only = NULL;
  g_autoptr(GError) error = NULL;

  /* As Chromium writes it: no trailing newline. */
  write_file (fixture->file, "41235\n/devtools/browser/ebab357a-cb32-4f02-9915-a7784f7ab712");

  from_file = ms_cdp_endpoint_parse (fixture->file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ms_cdp_endpoint_get_host (from_file), ==, "127.0.0.1");
  g_assert_cmpuint (ms_cdp_endpoint_get_port (from_file), ==, 41235);
  g_assert_cmpstr (ms_cdp_endpoint_get_ws_path (from_file), ==,
                   "/devtools/browser/ebab357a-cb32-4f02-9915-a7784f7ab712");

  /* The profile directory names the file inside it. */
  from_dir = ms_cdp_endpoint_parse (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_cdp_endpoint_get_port (from_dir), ==, 41235);

  write_file (fixture->file, "9333\n");
  port_only = ms_cdp_endpoint_parse (fixture->file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ms_cdp_endpoint_get_port (port_only), ==, 9333);
  g_assert_null (ms_cdp_endpoint_get_ws_path (port_only));
}

static void
test_endpoint_bad_active_port_file (FileFixture   *fixture,
                                    gconstpointer  user_data)
{
  static const BadInput bad_files[] = {
    { "", MS_CDP_ERROR_INVALID_ENDPOINT, "first line" },
    { "\n/devtools/browser/x", MS_CDP_ERROR_INVALID_ENDPOINT, "first line" },
    { "port\n/devtools/browser/x", MS_CDP_ERROR_INVALID_ENDPOINT, "is not a port: “port”" },
    { "0\n/devtools/browser/x", MS_CDP_ERROR_INVALID_ENDPOINT, "is not a port" },
    { "65536\n/devtools/browser/x", MS_CDP_ERROR_INVALID_ENDPOINT, "is not a port" },
    { "9222\ndevtools/browser/x", MS_CDP_ERROR_INVALID_ENDPOINT, "second line" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autoptr(MsCdpEndpoint) endpoint = NULL;
      g_autoptr(GError) error = NULL;

      write_file (fixture->file, bad_files[i].text);
      endpoint = ms_cdp_endpoint_parse (fixture->file, &error);
      g_assert_null (endpoint);
      g_assert_error (error, MS_CDP_ERROR, bad_files[i].code);
      g_assert_nonnull (strstr (error->message, bad_files[i].message_part));
      g_assert_nonnull (strstr (error->message, fixture->file));
    }

  /* A directory without the file: the message names the file looked for. */
  {
    g_autoptr(GError) error = NULL;

    g_unlink (fixture->file);
    g_assert_null (ms_cdp_endpoint_parse (fixture->dir, &error));
    g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_INVALID_ENDPOINT);
    g_assert_nonnull (strstr (error->message, "Cannot read"));
    g_assert_nonnull (strstr (error->message, "DevToolsActivePort"));
  }
}

static void
test_endpoint_urls (void)
{
  g_autoptr(MsCdpEndpoint) endpoint = ms_cdp_endpoint_new ("127.0.0.1", 9222, NULL);
  g_autoptr(MsCdpEndpoint) v6 = ms_cdp_endpoint_new ("[::1]", 9223, NULL);
  g_autofree char *version_url = ms_cdp_endpoint_http_url (endpoint, "/json/version");
  g_autofree char *root_url = ms_cdp_endpoint_http_url (endpoint, NULL);
  g_autofree char *v6_url = ms_cdp_endpoint_http_url (v6, "/json/list");

  g_assert_cmpstr (version_url, ==, "http://127.0.0.1:9222/json/version");
  g_assert_cmpstr (root_url, ==, "http://127.0.0.1:9222");
  g_assert_cmpstr (ms_cdp_endpoint_get_host (v6), ==, "::1");
  g_assert_cmpstr (v6_url, ==, "http://[::1]:9223/json/list");
}

static void
test_endpoint_ws_url (void)
{
  g_autoptr(MsCdpEndpoint) endpoint = ms_cdp_endpoint_new ("127.0.0.1", 41235, NULL);
  g_autoptr(MsCdpEndpoint) v6 = ms_cdp_endpoint_new ("::1", 9222, NULL);
  static const struct {
    const char *debugger_url;
    const char *expected;
  } cases[] = {
    { "ws://127.0.0.1:9222/devtools/page/AA781E4ADB46ABB700677CC3D044D6D3",
      "ws://127.0.0.1:41235/devtools/page/AA781E4ADB46ABB700677CC3D044D6D3" },
    /* A hostile or confused server must not send us elsewhere. */
    { "ws://evil.example:1/devtools/page/X", "ws://127.0.0.1:41235/devtools/page/X" },
    { "wss://evil.example/devtools/page/X", "ws://127.0.0.1:41235/devtools/page/X" },
    { "ws://user:pw@evil.example:1/devtools/page/X?a=b%20c",
      "ws://127.0.0.1:41235/devtools/page/X?a=b%20c" },
    { "/devtools/browser/ebab357a", "ws://127.0.0.1:41235/devtools/browser/ebab357a" },
  };
  static const char *bad[] = {
    "",
    "ws://127.0.0.1:9222",
    "ws://127.0.0.1:9222/",
    "/",
    "http://127.0.0.1:9222/devtools/page/X",
    "not a url",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = ms_cdp_endpoint_ws_url (endpoint, cases[i].debugger_url, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (url, ==, cases[i].expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *url = ms_cdp_endpoint_ws_url (endpoint, bad[i], &error);

      g_test_message ("bad debugger URL “%s”", bad[i]);
      g_assert_null (url);
      g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *url = ms_cdp_endpoint_ws_url (endpoint, NULL, &error);
    g_autofree char *v6_url = NULL;

    g_assert_null (url);
    g_assert_error (error, MS_CDP_ERROR, MS_CDP_ERROR_WRONG_SHAPE);

    g_clear_error (&error);
    v6_url = ms_cdp_endpoint_ws_url (v6, "ws://[::1]:1/devtools/browser/b", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (v6_url, ==, "ws://[::1]:9222/devtools/browser/b");
  }
}

static void
test_endpoint_boxed (void)
{
  g_autoptr(MsCdpEndpoint) endpoint = ms_cdp_endpoint_new ("localhost", 9222, "/devtools/browser/x");
  MsCdpEndpoint *copy;
  g_auto(GValue) value = G_VALUE_INIT;

  g_assert_true (G_TYPE_IS_BOXED (MS_TYPE_CDP_ENDPOINT));

  /* Immutable, so a copy is a new reference to the same object. */
  copy = g_boxed_copy (MS_TYPE_CDP_ENDPOINT, endpoint);
  g_assert_true (copy == endpoint);
  g_boxed_free (MS_TYPE_CDP_ENDPOINT, copy);

  g_value_init (&value, MS_TYPE_CDP_ENDPOINT);
  g_value_set_boxed (&value, endpoint);
  g_assert_cmpuint (ms_cdp_endpoint_get_port (g_value_get_boxed (&value)), ==, 9222);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/memscope/endpoint/good-inputs", test_endpoint_good_inputs);
  g_test_add_func ("/memscope/endpoint/bad-inputs", test_endpoint_bad_inputs);
  g_test_add_func ("/memscope/endpoint/null-input", test_endpoint_null_input);
  g_test_add ("/memscope/endpoint/active-port-file", FileFixture, NULL,
              file_fixture_set_up, test_endpoint_active_port_file, file_fixture_tear_down);
  g_test_add ("/memscope/endpoint/bad-active-port-file", FileFixture, NULL,
              file_fixture_set_up, test_endpoint_bad_active_port_file, file_fixture_tear_down);
  g_test_add_func ("/memscope/endpoint/http-url", test_endpoint_urls);
  g_test_add_func ("/memscope/endpoint/ws-url", test_endpoint_ws_url);
  g_test_add_func ("/memscope/endpoint/boxed", test_endpoint_boxed);

  return g_test_run ();
}
