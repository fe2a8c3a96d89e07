/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* WS_PLACEHOLDER: being written. */
int
main (void)
{
  return 77;
}
