#!/bin/sh
echo '{"vigil_probe": 1, "results": [{"probe": "gpu.health", "status": "maybe"}]}'
