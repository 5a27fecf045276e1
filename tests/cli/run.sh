#!/bin/sh
# The CLI suite: cases as data, every bad input file through the command,
# and every option of both programs mistyped.
dir=$(dirname "$0")
/usr/bin/python3 "$dir/run.py" || rc=1
/usr/bin/python3 "$dir/bad_files.py" || rc=1
/usr/bin/python3 "$dir/typos.py" || rc=1
/usr/bin/python3 "$dir/sessions.py" || rc=1
/usr/bin/python3 "$dir/workflows.py" || rc=1
exit ${rc:-0}
