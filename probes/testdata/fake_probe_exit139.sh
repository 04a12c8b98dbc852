#!/bin/sh
echo '{"vigil_probe": 1, "results": [' 
exit 139
