#!/bin/sh
# The CLI suite: cases as data, then every bad input file through the command.
dir=$(dirname "$0")
/usr/bin/python3 "$dir/run.py" || rc=1
/usr/bin/python3 "$dir/bad_files.py" || rc=1
exit ${rc:-0}
