# a flag Docker does not have
docker run --name x \
   --frobnicate busybox:1.36
