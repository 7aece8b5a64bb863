# a hardened busybox
docker run --name tool --user 1000:1000 --cap-drop ALL \
  --security-opt no-new-privileges --read-only --network none \
  --memory 64m --cpus 0.5 --pids-limit 64 --health-cmd true \
  busybox:1.36 sleep 60
