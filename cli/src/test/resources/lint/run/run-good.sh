# a hardened busybox
docker run --name tool --user 1000:1000 --cap-drop ALL \
  --security-opt no-new-privileges --read-only --network none \
  --memory 64m --cpus 0.5 --pids-limit 64 --health-cmd true \
  busybox:1.36@sha256:3c26c8e5e75a2132ce9abb95283e5c64be547749decb3106a6a1ed32fe64d43f sleep 60
