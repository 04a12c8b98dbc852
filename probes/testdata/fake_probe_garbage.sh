#!/bin/sh
echo 'Segmentation fault? {not json'
echo 'cuInit failed' >&2
exit 0
