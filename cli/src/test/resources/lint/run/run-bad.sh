#!/bin/sh
# start the web server
docker run -d --name web \
  --cap-add SYS_ADMIN \
  -p 0.0.0.0:8080:80 \
  --privileged \
  nginx:1.27

# and a shell sharing the host's processes
docker run --rm -it --pid=host busybox:1.36 sh
