/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: `watershed check --json` and `filesrc ! DEMUX ! ratingtag` give
 * the same rating for every file with embedded ratings (issue #13: one
 * reader of embedded ratings; issue #11 rows 1 and 2). One table, files
 * made in the test by the outside tools a delivery would use: FFmpeg,
 * mkvpropedit (MKVToolNix) and AtomicParsley. A case whose tool is missing
 * is skipped with a printed note (scripts/install-deps installs them). */
#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

static char *tmp_dir;

/* ---- running programs ---------------------------------------------------- */

/* Runs @argv (NULL-terminated); TRUE when it exits 0. */
static gboolean
run (const char *const *argv, char **out)
{
  char *err = NULL, *ignored = NULL;
  int status = 0;
  GError *error = NULL;
  gboolean ok;

  /* output not asked for (AtomicParsley's progress bars) is dropped */
  ok = g_spawn_sync (tmp_dir, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
      NULL, out ? out : &ignored, &err, &status, &error);
  g_free (ignored);
  fail_unless (ok, "%s: %s", argv[0], error ? error->message : "?");
  ok = WIFEXITED (status) && WEXITSTATUS (status) == 0;
  if (!ok && out == NULL)
    g_printerr ("%s failed: %s\n", argv[0], err ? err : "");
  g_free (err);
  return ok;
}

#define RUN(...) run ((const char *const[]){ __VA_ARGS__, NULL }, NULL)

static gboolean
have (const char *tool)
{
  char *p = g_find_program_in_path (tool);
  gboolean ok = p != NULL;

  if (!ok)
    g_print ("note: %s is not installed: the case that needs it is skipped "
             "(scripts/install-deps installs it)\n",
        tool);
  g_free (p);
  return ok;
}

static char *
tmp (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* ---- making the files ---------------------------------------------------- */

static gboolean
make_mkv (const char *path, const char *const *metadata)
{
  GPtrArray *argv = g_ptr_array_new ();
  gboolean ok;

  for (const char *const *a = (const char *const[]){ "ffmpeg", "-nostdin", "-v",
           "error", "-y", "-f", "lavfi", "-i", "testsrc=d=1:s=64x48:r=5",
           "-c:v", "ffv1", NULL };
       *a != NULL; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  for (; metadata != NULL && *metadata != NULL; metadata++) {
    g_ptr_array_add (argv, (gpointer) "-metadata");
    g_ptr_array_add (argv, (gpointer) *metadata);
  }
  g_ptr_array_add (argv, (gpointer) path);
  g_ptr_array_add (argv, NULL);
  ok = run ((const char *const *) argv->pdata, NULL);
  g_ptr_array_free (argv, TRUE);
  return ok;
}

/* A Matroska file whose global tags mkvpropedit sets from @tags_xml (the
 * <Tag> contents: Simple elements). */
static gboolean
make_mkv_propedit (const char *path, const char *simple_xml)
{
  char *xml = tmp ("tags.xml");
  char *spec = g_strconcat ("global:", xml, NULL);
  char *doc = g_strconcat ("<?xml version=\"1.0\"?>\n<Tags><Tag><Targets>"
                           "<TargetTypeValue>50</TargetTypeValue></Targets>",
      simple_xml, "</Tag></Tags>\n", NULL);
  gboolean ok = make_mkv (path, NULL) &&
                g_file_set_contents (xml, doc, -1, NULL) &&
                RUN ("mkvpropedit", "-q", path, "--tags", spec);

  g_unlink (xml);
  g_free (doc);
  g_free (spec);
  g_free (xml);
  return ok;
}

#define SIMPLE(name, value, inner) \
  "<Simple><Name>" name "</Name><String>" value "</String>" inner "</Simple>"

static gboolean
make_mp4 (const char *path, const char *mdta_itunextc)
{
  char *meta = mdta_itunextc ? g_strconcat ("iTunEXTC=", mdta_itunextc, NULL) :
                               g_strdup ("title=test");
  gboolean ok = RUN ("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi",
      "-i", "testsrc=d=1:s=64x48:r=5", "-c:v", "mpeg4", "-movflags",
      "use_metadata_tags", "-metadata", meta, path);

  g_free (meta);
  return ok;
}

static gboolean
atomicparsley_itunextc (const char *path, const char *value)
{
  return RUN ("AtomicParsley", path, "--rDNSatom", value, "name=iTunEXTC",
      "domain=com.apple.iTunes", "--overWrite");
}

static guint32
crc32_mpeg (const guint8 *data, gsize len)
{
  guint32 crc = 0xFFFFFFFF;

  for (gsize i = 0; i < len; i++) {
    crc ^= (guint32) data[i] << 24;
    for (int b = 0; b < 8; b++)
      crc = (crc & 0x80000000) ? (crc << 1) ^ 0x04C11DB7 : crc << 1;
  }
  return crc;
}

/* One TS packet (PID 0x12) with an EIT p/f actual section 0 for
 * @service_id whose running present event carries a
 * parental_rating_descriptor (@country, @raw). */
static void
eit_packet (guint8 *pkt, guint16 service_id, const char *country, guint8 raw,
    int cc)
{
  guint8 s[64];
  gsize n = 0;
  guint32 crc;

  s[n++] = 0x4E;
  s[n++] = 0xF0;
  s[n++] = 0;
  s[n++] = service_id >> 8, s[n++] = service_id & 0xFF;
  s[n++] = 0xC1; /* version 0, current */
  s[n++] = 0x00; /* section 0: present */
  s[n++] = 0x01;
  s[n++] = 0x00, s[n++] = 0x01; /* transport_stream_id */
  s[n++] = 0xFF, s[n++] = 0x01; /* original_network_id */
  s[n++] = 0x01;
  s[n++] = 0x4E;
  s[n++] = 0x00, s[n++] = 0x07;                /* event_id */
  s[n++] = 0xEA, s[n++] = 0x7B;                /* MJD */
  s[n++] = 0x20, s[n++] = 0x00, s[n++] = 0x00; /* 20:00:00 */
  s[n++] = 0x01, s[n++] = 0x30, s[n++] = 0x00; /* 1:30:00 */
  s[n++] = 0x80;                               /* running, loop 6 */
  s[n++] = 0x06;
  s[n++] = 0x55;
  s[n++] = 0x04;
  memcpy (s + n, country, 3);
  n += 3;
  s[n++] = raw;
  s[1] = (guint8) (0xF0 | ((n + 4 - 3) >> 8));
  s[2] = (guint8) ((n + 4 - 3) & 0xFF);
  crc = crc32_mpeg (s, n);
  s[n++] = crc >> 24, s[n++] = crc >> 16, s[n++] = crc >> 8, s[n++] = crc;
  memset (pkt, 0xFF, 188);
  pkt[0] = 0x47;
  pkt[1] = 0x40;
  pkt[2] = 0x12;
  pkt[3] = (guint8) (0x10 | (cc & 0x0F));
  pkt[4] = 0x00;
  memcpy (pkt + 5, s, n);
}

/* Issue #11 row 1: an FFmpeg MPEG-TS (one programme, service 1) with an
 * EIT present event for service 2, which is not in the PAT (GBR raw 0x01,
 * age 4), then one for service 1 (GBR raw 0x0F, age 18), after the
 * PAT/PMT. */
static gboolean
make_ts_row1 (const char *path)
{
  char *data = NULL;
  gsize len = 0, head;
  GString *out;
  guint8 pkt[188];
  gboolean ok;

  if (!RUN ("ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
          "testsrc=d=1:s=64x48:r=5", "-c:v", "mpeg2video", "-f", "mpegts",
          path) ||
      !g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  head = MIN (len, 188 * 4);
  out = g_string_new_len (data, (gssize) head);
  eit_packet (pkt, 2, "GBR", 0x01, 0);
  g_string_append_len (out, (const char *) pkt, 188);
  eit_packet (pkt, 1, "GBR", 0x0F, 1);
  g_string_append_len (out, (const char *) pkt, 188);
  g_string_append_len (out, data + head, (gssize) (len - head));
  ok = g_file_set_contents (path, out->str, (gssize) out->len, NULL);
  g_string_free (out, TRUE);
  g_free (data);
  return ok;
}

/* ---- the table ------------------------------------------------------------ */

typedef enum {
  MKV_PROPEDIT_GB_DE,
  MKV_FFMPEG_TOP_GB,
  MKV_FFMPEG_PG13,
  MKV_FFMPEG_BBFC18,
  MKV_PROPEDIT_GB_TWICE,
  MKV_PROPEDIT_DE_THEN_GB,
  MP4_ATOMICPARSLEY,
  MP4_TWO_ITUNEXTC,
  TS_SERVICE_NOT_IN_PAT,
} Maker;

typedef struct {
  const char *name;
  Maker maker;
  const char *demux; /* the GStreamer side: filesrc ! DEMUX ! ratingtag */
  const char *territory;
  const char *expected; /* SYSTEM:CODE, or NULL for none */
  const char *warning;  /* a warning both must give, or NULL */
} Case;

static const Case cases[] = {
  /* #13: mkvpropedit COUNTRY=GB/LAW_RATING=15, COUNTRY=DE/LAW_RATING=16 */
  { "gb-de.mkv", MKV_PROPEDIT_GB_DE, "matroskademux", "GB", "bbfc:15", NULL },
  { "gb-de.mkv", MKV_PROPEDIT_GB_DE, "matroskademux", "DE", "fsk:16", NULL },
  /* #13: top-level LAW_RATING=15 with COUNTRY=GB (ffmpeg -metadata) */
  { "top-gb.mkv", MKV_FFMPEG_TOP_GB, "matroskademux", "GB", "bbfc:15", NULL },
  { "top-gb.mkv", MKV_FFMPEG_TOP_GB, "matroskademux", "DE", NULL, NULL },
  /* #13: LAW_RATING=PG-13 for US */
  { "pg13.mkv", MKV_FFMPEG_PG13, "matroskademux", "US", "mpa:PG-13", NULL },
  /* #13: bbfc:18 is GB's rating, it does not count for DE */
  { "bbfc18.mkv", MKV_FFMPEG_BBFC18, "matroskademux", "DE", NULL, NULL },
  { "bbfc18.mkv", MKV_FFMPEG_BBFC18, "matroskademux", "GB", "bbfc:18", NULL },
  /* #11 row 2: two GB LAW_RATING entries, 12 then 18 */
  { "gb-twice.mkv", MKV_PROPEDIT_GB_TWICE, "matroskademux", "GB", "bbfc:18",
      "rating-conflict: GB" },
  /* #11 row 2: COUNTRY=DE then COUNTRY=GB: neither is lost */
  { "de-gb.mkv", MKV_PROPEDIT_DE_THEN_GB, "matroskademux", "DE", "fsk:16",
      NULL },
  { "de-gb.mkv", MKV_PROPEDIT_DE_THEN_GB, "matroskademux", "GB", "bbfc:12A",
      NULL },
  /* iTunEXTC written by AtomicParsley (qtdemux drops it) */
  { "itunes.mp4", MP4_ATOMICPARSLEY, "qtdemux", "US", "mpa:PG-13", NULL },
  /* #11 row 2: two iTunEXTC atoms, 18 then U */
  { "two.mp4", MP4_TWO_ITUNEXTC, "qtdemux", "GB", "bbfc:18",
      "rating-conflict: GB" },
  /* #11 row 1: the EIT of the programme in the PAT, not the other one */
  { "row1.ts", TS_SERVICE_NOT_IN_PAT, "tsparse ! tsdemux", "GB", "dvb:18",
      "not in the PAT" },
};

static gboolean
make_case (const Case *c, const char *path)
{
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE; /* made for an earlier row of the table */
  switch (c->maker) {
    case MKV_PROPEDIT_GB_DE:
      return have ("mkvpropedit") &&
             make_mkv_propedit (path,
                 SIMPLE ("COUNTRY", "GB", SIMPLE ("LAW_RATING", "15", ""))
                     SIMPLE ("COUNTRY", "DE", SIMPLE ("LAW_RATING", "16", "")));
    case MKV_FFMPEG_TOP_GB:
      return make_mkv (path,
          (const char *const[]){ "LAW_RATING=15", "COUNTRY=GB", NULL });
    case MKV_FFMPEG_PG13:
      return make_mkv (path, (const char *const[]){ "LAW_RATING=PG-13", NULL });
    case MKV_FFMPEG_BBFC18:
      return make_mkv (path,
          (const char *const[]){ "LAW_RATING=bbfc:18", NULL });
    case MKV_PROPEDIT_GB_TWICE:
      return have ("mkvpropedit") &&
             make_mkv_propedit (path,
                 SIMPLE ("COUNTRY", "GB", SIMPLE ("LAW_RATING", "12A", ""))
                     SIMPLE ("COUNTRY", "GB", SIMPLE ("LAW_RATING", "18", "")));
    case MKV_PROPEDIT_DE_THEN_GB:
      return have ("mkvpropedit") &&
             make_mkv_propedit (path,
                 SIMPLE ("COUNTRY", "DE", SIMPLE ("LAW_RATING", "16", ""))
                     SIMPLE ("COUNTRY", "GB",
                         SIMPLE ("LAW_RATING", "12A", "")));
    case MP4_ATOMICPARSLEY:
      return have ("AtomicParsley") && make_mp4 (path, NULL) &&
             atomicparsley_itunextc (path, "mpaa|PG-13|300|");
    case MP4_TWO_ITUNEXTC:
      /* FFmpeg writes an mdta iTunEXTC key, AtomicParsley a ---- atom */
      return have ("AtomicParsley") && make_mp4 (path, "uk-movie|18|500|") &&
             atomicparsley_itunextc (path, "uk-movie|U|100|");
    case TS_SERVICE_NOT_IN_PAT:
      return make_ts_row1 (path);
  }
  return FALSE;
}

/* ---- the two sides ------------------------------------------------------- */

typedef struct {
  char *rating;   /* SYSTEM:CODE or NULL */
  char *status;   /* rating-present status (check) */
  char *warnings; /* all warnings, one per line */
} Side;

static void
side_clear (Side *s)
{
  g_free (s->rating);
  g_free (s->status);
  g_free (s->warnings);
}

static Side
run_check (const char *path, const char *territory)
{
  const char *watershed = g_getenv ("WS_WATERSHED");
  Side side = { NULL, NULL, NULL };
  char *out = NULL;
  JsonParser *parser = json_parser_new ();
  GError *error = NULL;
  JsonObject *file;
  JsonArray *a;
  GString *w = g_string_new (NULL);

  fail_unless (watershed != NULL, "WS_WATERSHED is not set");
  /* exit 1 when a check fails: the JSON says which */
  run ((const char *const[]){ watershed, "check", "--json", "--territory",
           territory, path, NULL },
      &out);
  fail_unless (json_parser_load_from_data (parser, out, -1, &error), "%s: %s",
      path, error ? error->message : "?");
  file = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (
                                        json_parser_get_root (parser)),
          "files"),
      0);
  /* the rating check uses: the territory's own, else one for every
   * territory */
  a = json_object_get_array_member (json_object_get_object_member (file,
                                        "rating"),
      "ratings");
  for (guint i = 0; i < json_array_get_length (a); i++) {
    JsonObject *r = json_array_get_object_element (a, i);
    const char *t = json_object_get_null_member (r, "territory") ?
                        NULL :
                        json_object_get_string_member (r, "territory");

    if (g_strcmp0 (t, territory) != 0 && !(t == NULL && side.rating == NULL))
      continue;
    if (json_object_get_null_member (r, "system"))
      continue;
    g_free (side.rating);
    side.rating = g_strdup_printf ("%s:%s",
        json_object_get_string_member (r, "system"),
        json_object_get_string_member (r, "code"));
    if (t != NULL)
      break;
  }
  a = json_object_get_array_member (file, "checks");
  for (guint i = 0; i < json_array_get_length (a); i++) {
    JsonObject *c = json_array_get_object_element (a, i);

    if (strcmp (json_object_get_string_member (c, "id"), "rating-present") == 0)
      side.status = g_strdup (json_object_get_string_member (c, "status"));
  }
  a = json_object_get_array_member (file, "warnings");
  for (guint i = 0; a != NULL && i < json_array_get_length (a); i++)
    g_string_append_printf (w, "%s\n", json_array_get_string_element (a, i));
  side.warnings = g_string_free (w, FALSE);
  g_object_unref (parser);
  g_free (out);
  return side;
}

static Side
run_element (const char *path, const char *demux, const char *territory)
{
  char *desc = g_strdup_printf ("filesrc location=\"%s\" ! %s ! ratingtag "
                                "territory=%s ! fakesink",
      path, demux, territory);
  GError *error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  GString *w = g_string_new (NULL);
  Side side = { NULL, NULL, NULL };
  gboolean done = FALSE;
  GstBus *bus;

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", desc,
      error ? error->message : "?");
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (!done) {
    GstMessage *m = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING |
            GST_MESSAGE_ELEMENT);
    const GstStructure *s;
    GError *err = NULL;

    fail_unless (m != NULL, "%s: no EOS within 60 s", desc);
    switch (GST_MESSAGE_TYPE (m)) {
      case GST_MESSAGE_EOS:
        done = TRUE;
        break;
      case GST_MESSAGE_ERROR:
        gst_message_parse_error (m, &err, NULL);
        fail ("%s: %s", desc, err->message);
        break;
      case GST_MESSAGE_WARNING:
        gst_message_parse_warning (m, &err, NULL);
        g_string_append_printf (w, "%s\n", err->message);
        g_error_free (err);
        break;
      default:
        s = gst_message_get_structure (m);
        if (s != NULL && gst_structure_has_name (s, "ratingtag")) {
          g_free (side.rating);
          side.rating = gst_structure_get_string (s, "system") ?
                            g_strdup (gst_structure_get_string (s, "rating")) :
                            NULL;
        }
        break;
    }
    gst_message_unref (m);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  side.warnings = g_string_free (w, FALSE);
  g_free (desc);
  return side;
}

GST_START_TEST (test_embedded_agree_table)
{
  const Case *c = &cases[__i__];
  char *path = tmp (c->name);
  Side check, element;

  if (!make_case (c, path)) {
    g_print ("note: %s (%s) not made: case skipped\n", c->name, c->territory);
    g_free (path);
    return;
  }
  check = run_check (path, c->territory);
  element = run_element (path, c->demux, c->territory);

  /* the expected rating on both sides, hence the same */
  fail_unless_equals_string (check.rating, c->expected);
  fail_unless_equals_string (element.rating, c->expected);
  fail_unless_equals_string (check.status, c->expected ? "pass" : "fail");
  if (c->warning != NULL) {
    fail_unless (strstr (check.warnings, c->warning) != NULL,
        "%s: check warnings lack \"%s\": %s", c->name, c->warning,
        check.warnings);
    fail_unless (strstr (element.warnings, c->warning) != NULL,
        "%s: ratingtag warnings lack \"%s\": %s", c->name, c->warning,
        element.warnings);
  }
  side_clear (&check);
  side_clear (&element);
  g_free (path);
}

GST_END_TEST;

static void
setup (void)
{
  tmp_dir = g_dir_make_tmp ("ws-agree-XXXXXX", NULL);
  fail_unless (tmp_dir != NULL);
}

static void
teardown (void)
{
  GDir *d = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    char *p = tmp (name);

    g_unlink (p);
    g_free (p);
  }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (tmp_dir);
  g_clear_pointer (&tmp_dir, g_free);
}

static Suite *
embedded_agree_suite (void)
{
  Suite *s = suite_create ("embedded_agree");
  TCase *tc = tcase_create ("table");

  /* one folder for the whole table: files are made once and reused */
  tcase_add_unchecked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_embedded_agree_table, 0, G_N_ELEMENTS (cases));
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (embedded_agree);
