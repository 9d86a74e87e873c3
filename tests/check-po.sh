#!/bin/sh
# Fails when po/POTFILES.in misses a file with translatable strings, lists a
# file that is gone, or when a translation leaves a string untranslated or fuzzy.
set -eu
top="$1"
cd "$top"
status=0

for file in $(grep -rlE '(^|[^a-zA-Z_])N?_ ?\(|C_ ?\(|ngettext ?\(|translatable="yes"' app ui data \
                --include='*.c' --include='*.ui' --include='*.xml.in' --include='*.desktop.in' \
                --include='*.gschema.xml' | sort); do
  if ! grep -qxF "$file" po/POTFILES.in; then
    echo "po/POTFILES.in does not list $file"
    status=1
  fi
done
for file in $(grep -v '^#' po/POTFILES.in | grep -v '^$'); do
  if [ ! -f "$file" ]; then
    echo "po/POTFILES.in lists $file, which does not exist"
    status=1
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The keywords of meson's glib preset.
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format --flag=g_markup_printf_escaped:1:c-format \
  --files-from=po/POTFILES.in --directory="$top" --output="$tmp/agent-desk.pot" 2>"$tmp/xgettext.log" || {
    cat "$tmp/xgettext.log"; exit 1; }

for lang in $(cat po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/agent-desk.pot" -o "$tmp/$lang.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1)
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "po/$lang.po is incomplete: translate the new strings (msgmerge it against the template first)"
      msgattrib --untranslated --only-fuzzy "$tmp/$lang.po" 2>/dev/null | head -40 || true
      msgattrib --untranslated "$tmp/$lang.po" | grep '^msgid' | head -40
      status=1 ;;
  esac
  stats=$(msgfmt --check --statistics -o /dev/null "po/$lang.po" 2>&1)
  case "$stats" in
    *untranslated*|*fuzzy*) echo "po/$lang.po itself has: $stats"; status=1 ;;
  esac
done
exit $status
