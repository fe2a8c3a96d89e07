/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ws-error.h"

GQuark
ws_error_quark (void)
{
  return g_quark_from_static_string ("ws-error-quark");
}
