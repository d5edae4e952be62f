#!/usr/bin/env bash
# The lab's own "✅ 검증" commands, as a student runs them to check the labs by hand:
# what pytest-kubelab replaces. Needs KUBECONFIG; NODE (default localhost) and the
# NodePort ports GRAFANA_PORT, JAEGER_PORT, APP_PORT (defaults 30080-30082) can be
# redirected to the simulator's stand-ins. Failures do not stop it: it is a timing.
set -u
KUBECTL=${KUBECTL:-kubectl}
NODE=${NODE:-localhost}
curl_get() { curl -s -o /dev/null -m 5 -w '%{http_code}\n' "$@" || true; }

# Observability lab
$KUBECTL get nodes
$KUBECTL get pods -n monitoring
$KUBECTL get pods -n monitoring | grep loki || true
$KUBECTL get pods -n monitoring | grep jaeger || true
$KUBECTL get pods -n demo
curl_get "http://$NODE:${GRAFANA_PORT:-30080}/api/health"
curl_get "http://$NODE:${JAEGER_PORT:-30081}/"
curl_get "http://$NODE:${APP_PORT:-30082}/"

# Cost lab
$KUBECTL get nodes
$KUBECTL top nodes || true
$KUBECTL get pods -n kubecost
$KUBECTL get pods --all-namespaces | grep -E "production|staging|development" || true
$KUBECTL get hpa --all-namespaces
# The lab port-forwards 9090; the API server's service proxy reaches the same endpoint.
$KUBECTL get --raw \
  "/api/v1/namespaces/kubecost/services/kubecost-cost-analyzer:9090/proxy/model/allocation?window=7d&aggregate=namespace" \
  >/dev/null || true
