# a tool container, as written in a README
docker run -d --name tool \
  --cap-add SYS_ADMIN \
  -v /etc:/host-etc \
  --health-cmd true \
  localhost/carapace-test/busybox:1 sleep 3600
