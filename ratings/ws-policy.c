/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* WS_PLACEHOLDER: being written. */
typedef int ws_placeholder_ws_policy;
