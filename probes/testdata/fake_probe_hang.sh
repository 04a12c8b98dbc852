#!/bin/sh
echo 'started' >&2
sleep 1000 &
sleep 1000
