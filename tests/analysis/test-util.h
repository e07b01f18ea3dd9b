/* test-util.h: fixture loading and an independent json-glib walk of profiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nothing here calls the code under test: expectations are computed from the
 * raw JSON with json-glib and plain loops.
 */

#pragma once

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

static inline char *
test_fixture_path (const char *relative)
{
  const char *dir = g_getenv ("MEMSCOPE_FIXTURES");

  g_assert_nonnull (dir);

  return g_build_filename (dir, relative, NULL);
}

/* The fixture's bytes, gunzipped when the name ends in .gz. */
static inline GBytes *
test_load_fixture (const char *relative)
{
  g_autofree char *path = test_fixture_path (relative);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  if (g_str_has_suffix (relative, ".gz"))
    {
      g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      g_autoptr(GInputStream) base = g_memory_input_stream_new_from_data (contents, len, g_free);
      g_autoptr(GInputStream) in = g_converter_input_stream_new (base, G_CONVERTER (z));
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

      g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              NULL, &error);
      g_assert_no_error (error);

      return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
    }

  return g_bytes_new_take (contents, len);
}

typedef struct
{
  JsonParser *parser;
  JsonObject *profile;
  JsonArray  *samples;
  JsonArray  *modules;
} TestProfile;

static inline void
test_profile_clear (TestProfile *tp)
{
  g_clear_object (&tp->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TestProfile, test_profile_clear)

static inline void
test_profile_load_bytes (TestProfile *tp,
                         GBytes      *bytes)
{
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  tp->parser = json_parser_new ();
  json_parser_load_from_data (tp->parser, data, len, &error);
  g_assert_no_error (error);

  root = json_node_get_object (json_parser_get_root (tp->parser));
  if (json_object_has_member (root, "result"))
    root = json_object_get_object_member (root, "result");
  if (json_object_has_member (root, "profile"))
    root = json_object_get_object_member (root, "profile");

  tp->profile = root;
  tp->samples = json_object_get_array_member (root, "samples");
  tp->modules = json_object_get_array_member (root, "modules");
}

static inline gboolean
test_sample_is_v8_heap (JsonObject *sample)
{
  JsonArray *stack = json_object_get_array_member (sample, "stack");

  return json_array_get_length (stack) == 1
         && g_strcmp0 (json_array_get_string_element (stack, 0), "<V8 Heap>") == 0;
}

/* The display name of the module holding @frame's address: the file's base name,
 * or for the browser's own executable (its name holds " -" switches) @main_name,
 * or "chromium-" and the first 8 digits of its uuid when @main_name is NULL;
 * NULL when no module holds it. @offset gets the address's offset in it. */
static inline char *
test_module_display (TestProfile *tp,
                     const char  *frame,
                     const char  *main_name,
                     guint64     *offset)
{
  guint64 address = g_ascii_strtoull (frame + 2, NULL, 16);

  for (guint i = 0; i < json_array_get_length (tp->modules); i++)
    {
      JsonObject *m = json_array_get_object_element (tp->modules, i);
      const char *base_text = json_object_get_string_member (m, "baseAddress");
      guint64 base = g_str_has_prefix (base_text, "0x") ? g_ascii_strtoull (base_text + 2, NULL, 16)
                                                         : g_ascii_strtoull (base_text, NULL, 10);
      guint64 size = (guint64)json_object_get_int_member (m, "size");

      if (address >= base && address < base + size)
        {
          const char *mname = json_object_get_string_member (m, "name");

          if (offset != NULL)
            *offset = address - base;
          if (strstr (mname, " -") != NULL)
            {
              g_autofree char *lower = g_ascii_strdown (json_object_get_string_member (m, "uuid"), -1);

              return main_name != NULL ? g_strdup (main_name) : g_strdup_printf ("chromium-%.8s", lower);
            }
          return g_path_get_basename (mname);
        }
    }

  return NULL;
}

/* Symbol-mode label of a frame string, computed the simple way. */
static inline char *
test_symbol_label (TestProfile *tp,
                   const char  *frame)
{
  const char *space = strchr (frame, ' ');
  const char *name = space != NULL ? space + 1 : "";
  guint64 offset = 0;
  g_autofree char *display = NULL;

  if (name[0] != '\0' && strcmp (name, "<unknown>") != 0)
    return g_strdup (name);

  display = test_module_display (tp, frame, NULL, &offset);
  if (display != NULL)
    return g_strdup_printf ("%s+0x%" G_GINT64_MODIFIER "x", display, offset);

  return space != NULL ? g_strndup (frame, space - frame) : g_strdup (frame);
}

/* One frame of an SVG flame graph as ms_export writes it:
 * <g><title>TOOLTIP</title><rect x=".." y=".." width=".." height=".." fill=".." .../>
 * with the text unescaped and the numbers kept as written. */
typedef struct
{
  char *tooltip;
  char *x;
  char *y;
  char *width;
  char *fill;
} TestSvgFrame;

static inline void
test_svg_frame_clear (gpointer data)
{
  TestSvgFrame *f = data;

  g_free (f->tooltip);
  g_free (f->x);
  g_free (f->y);
  g_free (f->width);
  g_free (f->fill);
}

static inline char *
test_xml_unescape (const char *text,
                   gsize       len)
{
  static const char *entities[][2] = { { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
                                       { "&quot;", "\"" }, { "&apos;", "'" } };
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    {
      gboolean replaced = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (entities) && text[i] == '&'; k++)
        {
          gsize n = strlen (entities[k][0]);

          if (i + n <= len && strncmp (text + i, entities[k][0], n) == 0)
            {
              g_string_append (out, entities[k][1]);
              i += n - 1;
              replaced = TRUE;
              break;
            }
        }
      if (!replaced)
        g_string_append_c (out, text[i]);
    }

  return g_string_free (out, FALSE);
}

/* The value of attribute @name in the tag starting at @tag. */
static inline char *
test_xml_attribute (const char *tag,
                    const char *name)
{
  g_autofree char *key = g_strdup_printf (" %s=\"", name);
  const char *end = strchr (tag, '>');
  const char *start = strstr (tag, key);
  const char *close;

  g_assert_nonnull (start);
  g_assert_true (start < end);
  start += strlen (key);
  close = strchr (start, '"');
  g_assert_nonnull (close);

  return g_strndup (start, close - start);
}

static inline GArray *
test_svg_frames (const char *svg)
{
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (TestSvgFrame));
  const char *p = svg;

  g_array_set_clear_func (frames, test_svg_frame_clear);
  while ((p = strstr (p, "<g><title>")) != NULL)
    {
      TestSvgFrame f;
      const char *title_end;
      const char *rect;

      p += strlen ("<g><title>");
      title_end = strstr (p, "</title>");
      g_assert_nonnull (title_end);
      rect = title_end + strlen ("</title>");
      g_assert_true (g_str_has_prefix (rect, "<rect "));
      f.tooltip = test_xml_unescape (p, title_end - p);
      f.x = test_xml_attribute (rect, "x");
      f.y = test_xml_attribute (rect, "y");
      f.width = test_xml_attribute (rect, "width");
      f.fill = test_xml_attribute (rect, "fill");
      g_array_append_val (frames, f);
      p = rect;
    }

  return frames;
}
