/* ms-symbols-elf-private.h: libelf helpers shared inside the symbols layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <libelf.h>

G_BEGIN_DECLS

void  ms_symbols_elf_init        (void);
char *ms_symbols_elf_build_id    (Elf *elf);

G_END_DECLS
