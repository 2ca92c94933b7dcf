#!/usr/bin/env python3
"""Writes data17.wat: 17 pages of memory, every page filled by a data segment."""
import sys

segments = []
for page in range(17):
    text = ''.join('\\%02x' % ((page * 31 + i) & 0xff) for i in range(65536))
    segments.append('(data (i32.const %d) "%s")' % (page * 65536, text))
with open(sys.argv[1], 'w') as out:
    out.write('(module (memory 17)\n  %s)\n' % '\n  '.join(segments))
