/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* WS_PLACEHOLDER: being written; exit 77 = skipped. */
int
main (void)
{
  return 77;
}
