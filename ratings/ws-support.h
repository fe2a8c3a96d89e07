/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watershed: support information (helplines) shown after a programme that
 * deals with suicide, self-harm, abuse, addiction or eating disorders. */
#ifndef WS_RATINGS_WS_SUPPORT_H
#define WS_RATINGS_WS_SUPPORT_H

#include <glib.h>

#include "ws-metadata.h"
#include "ws-rating-system.h"

G_BEGIN_DECLS

/**
 * SECTION:ws-support
 *
 * The support directory: the helplines of `ratings/support/<territory>.xml`, one
 * file per territory, each entry with its topic, number, web address,
 * opening hours and the source it was checked against with the date of
 * the check. Topics are matched from a rating's descriptors (through the
 * category-to-topic map the data files hold) and from the topics a
 * sidecar names explicitly (`<support topic="..."/>`). Both the end card
 * of `ratingoverlay` and `watershed metadata --explain` / `watershed
 * check` ask this module; nothing else decides which helplines apply.
 */

/**
 * WsHelpline:
 * @territory: ISO 3166-1 alpha-2 code, upper case (`GB`)
 * @topic: the topic id (`child`, `suicide-self-harm`, `abuse`,
 *   `addiction`, `eating-disorders`, ...)
 * @name: the service's name, as it presents itself
 * @number: the number to call or text, as dialled in the territory, or
 *   %NULL when the service has no phone line
 * @url: the service's web address, or %NULL
 * @hours: opening hours as the service states them (`24/7`), or %NULL
 * @lang: BCP 47 language of @name and @hours (`en`, `de`)
 * @source: where the entry was checked (a URL)
 * @checked: the date of that check, `YYYY-MM-DD`
 * @file: the data file it came from
 * @line: its line in @file
 * @verified: %TRUE when the source was seen to say what the entry says
 *   on @checked; %FALSE (`verified="no"` in the data) when the entry could
 *   not be confirmed there and should be checked again before broadcast
 *
 * One helpline. Owned by the #WsSupportDirectory.
 */
typedef struct {
  const char *territory;
  const char *topic;
  const char *name;
  const char *number;
  const char *url;
  const char *hours;
  const char *lang;
  const char *source;
  const char *checked;
  const char *file;
  int line;
  gboolean verified;
} WsHelpline;

/** WsSupportDirectory: the loaded support data. */
typedef struct WsSupportDirectory WsSupportDirectory;

/**
 * ws_support_directory_new:
 * @path: (nullable): a directory of support files or one file; %NULL
 *   reads the installed data (ws_data_find_dir ("support")).
 * @error: a #WS_ERROR error naming the file, line and field of the first
 *   problem (malformed XML, an entry without a source or check date, an
 *   impossible date, an unknown territory). Codes: %WS_ERROR_IO (a path
 *   that cannot be read; no installed data), %WS_ERROR_TOO_LARGE (a file
 *   over 4 MiB), %WS_ERROR_MALFORMED, %WS_ERROR_FORBIDDEN (see ws-xml.h),
 *   %WS_ERROR_UNKNOWN_FORMAT (a root other than `<support>` or
 *   `<support-topics>`), %WS_ERROR_INVALID (everything else: a missing or
 *   wrong field, a second file for one territory, a topic topics.xml does
 *   not declare, a directory without topics.xml).
 *
 * Loads the support directory: from a directory, its topics.xml first,
 * then every other `*.xml` in name order; from a file, that file alone (a
 * `<support>` file alone has no topic list, so its topics are checked for
 * their form only). XML is read without network access or external
 * entities.
 *
 * Returns: (transfer full): the directory, or %NULL with @error set.
 *   Free with ws_support_directory_free().
 */
WsSupportDirectory *ws_support_directory_new (const char *path, GError **error);

/**
 * ws_support_directory_free:
 * @dir: (nullable) (transfer full): the directory.
 */
void ws_support_directory_free (WsSupportDirectory *dir);

/**
 * ws_support_directory_get_digest:
 * @dir: the directory.
 *
 * A SHA-256 (lowercase hex) over the files it was loaded from, in the
 * order read: each file's name (without its folder), and its own SHA-256.
 * The same data copied elsewhere gives the same digest; any change to a
 * file, a file more or less, or a renamed file gives another. `watershed
 * check --resume` keeps it, so results checked against other support
 * data are never reused.
 *
 * Returns: (transfer none): the digest, owned by @dir.
 */
const char *ws_support_directory_get_digest (const WsSupportDirectory *dir);

/**
 * ws_support_topics_for_rating:
 * @dir: the directory (it holds the descriptor-category-to-topic map).
 * @registry: (nullable): the rating systems, to resolve descriptor codes
 *   to their common categories (ws_rating_descriptor_category_of()).
 * @rating: the rating.
 *
 * The support topics @rating calls for: the topics its descriptors map
 * to, then the topics its sidecar named explicitly, without repeats, in
 * that order.
 *
 * Returns: (transfer full) (array zero-terminated=1): the topic ids,
 *   possibly empty, never %NULL. Free with g_strfreev().
 */
char **ws_support_topics_for_rating (const WsSupportDirectory *dir,
    const WsRatingRegistry *registry, const WsRating *rating);

/**
 * ws_support_lookup:
 * @dir: the directory.
 * @territory: any code ws_territory_normalise() takes (`GB`, `DEU`).
 * @topics: (array zero-terminated=1): the topic ids.
 *
 * The helplines to show for @topics in @territory: for each topic in
 * order, its entries in the data file's order; the territory's general
 * child helpline (topic `child`) is added last whenever any topic is
 * asked for. An entry is listed once even when several topics name it.
 *
 * Returns: (transfer container) (element-type WsHelpline): the entries
 *   (borrowed from @dir), possibly empty, never %NULL.
 */
GPtrArray *ws_support_lookup (const WsSupportDirectory *dir,
    const char *territory, const char *const *topics);

/**
 * ws_support_directory_new_memory:
 * @data: the bytes of one support file (a territory's `<support>` or the
 *   `<support-topics>` list).
 * @len: their length.
 * @name: (nullable): the name used in messages (`<memory>` for %NULL).
 * @error: as ws_support_directory_new(), plus WS_ERROR_UNKNOWN_FORMAT
 *   when the root is neither `<support>` nor `<support-topics>`.
 *
 * Loads one support document from memory, as ws_support_directory_new()
 * loads one file: a `<support>` document alone has no topic list, so its
 * topic ids are only checked for their form.
 *
 * Returns: (transfer full): the directory, or %NULL with @error set.
 */
WsSupportDirectory *ws_support_directory_new_memory (const char *data,
    gsize len, const char *name, GError **error);

/**
 * ws_support_directory_get_helplines:
 * @dir: the directory.
 *
 * Every entry, in load order (topics.xml, then the territory files by
 * name, each in document order).
 * Returns: (transfer none) (element-type WsHelpline): owned by @dir.
 */
GPtrArray *ws_support_directory_get_helplines (const WsSupportDirectory *dir);

/**
 * ws_support_directory_list_territories:
 * @dir: the directory.
 * Returns: (transfer full) (array zero-terminated=1): the alpha-2 codes
 *   that have a support file, sorted; free with g_strfreev().
 */
char **ws_support_directory_list_territories (const WsSupportDirectory *dir);

/**
 * ws_support_directory_get_territory_file:
 * @dir: the directory.
 * @territory: any code ws_territory_normalise() takes.
 * Returns: (transfer none) (nullable): the path of @territory's support
 *   file, or %NULL when it has none.
 */
const char *
ws_support_directory_get_territory_file (const WsSupportDirectory *dir,
    const char *territory);

/**
 * ws_support_directory_list_topics:
 * @dir: the directory.
 * Returns: (transfer full) (array zero-terminated=1): the declared topic
 *   ids in the order of topics.xml (empty when no topic list was loaded);
 *   free with g_strfreev().
 */
char **ws_support_directory_list_topics (const WsSupportDirectory *dir);

/**
 * ws_support_directory_list_mapped_topics:
 * @dir: the directory.
 * Returns: (transfer full) (array zero-terminated=1): the topics that at
 *   least one descriptor mapping leads to, without repeats, in map order;
 *   free with g_strfreev().
 */
char **ws_support_directory_list_mapped_topics (const WsSupportDirectory *dir);

/**
 * ws_support_topic_get_label:
 * @dir: the directory.
 * @topic: a topic id.
 * Returns: (transfer none) (nullable): the topic's English label from
 *   topics.xml, or %NULL when @topic is not declared.
 */
const char *ws_support_topic_get_label (const WsSupportDirectory *dir,
    const char *topic);

/**
 * ws_support_directory_get_default:
 * @error: (out) (optional): as ws_support_directory_new() with %NULL, the
 *   first time; later calls after a failure return the same error again.
 *
 * The installed support data (ws_data_find_dir ("support")), loaded once
 * per process (thread-safe) and never freed.
 * Returns: (transfer none) (nullable): the directory, or %NULL.
 */
const WsSupportDirectory *ws_support_directory_get_default (GError **error);

/**
 * ws_support_missing_topics:
 * @dir: the directory.
 * @territory: any code ws_territory_normalise() takes.
 * @topics: (array zero-terminated=1): the topic ids asked for.
 *
 * The topics of @topics for which @territory has no helpline of that very
 * topic (the general child helpline does not stand in for another topic;
 * a territory without a support file, or an unknown code, misses them
 * all), in the order of @topics.
 * Returns: (transfer full) (array zero-terminated=1): possibly empty;
 *   free with g_strfreev().
 */
char **ws_support_missing_topics (const WsSupportDirectory *dir,
    const char *territory, const char *const *topics);

G_END_DECLS

#endif /* WS_RATINGS_WS_SUPPORT_H */
