{{/* The release's name for every object: the release name, or
     release-chart when the release name does not contain the chart's. */}}
{{- define "wasmfaas.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "wasmfaas.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "wasmfaas.labels" -}}
{{ include "wasmfaas.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "wasmfaas.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "wasmfaas.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secrets the pods read: the user's (existingSecret) or the chart's. */}}
{{- define "wasmfaas.s3SecretName" -}}
{{- default (printf "%s-s3" (include "wasmfaas.fullname" .)) .Values.s3.existingSecret -}}
{{- end -}}
{{- define "wasmfaas.postgresSecretName" -}}
{{- default (printf "%s-postgres" (include "wasmfaas.fullname" .)) .Values.postgres.existingSecret -}}
{{- end -}}
{{- define "wasmfaas.tokensSecretName" -}}
{{- default (printf "%s-tokens" (include "wasmfaas.fullname" .)) .Values.tokens.existingSecret -}}
{{- end -}}
{{- define "wasmfaas.tokensEnabled" -}}
{{- if or .Values.tokens.lines .Values.tokens.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* Seconds between SIGTERM and SIGKILL: the preStop sleep, the readiness
     delay (rounded up), the drain, and a margin. It must exceed
     delay + drain, or Kubernetes kills calls the server is still finishing. */}}
{{- define "wasmfaas.terminationGracePeriodSeconds" -}}
{{- $delaySeconds := div (add (int .Values.shutdownDelayMs) 999) 1000 -}}
{{- add (int .Values.preStopSleepSeconds) $delaySeconds (int .Values.drainSeconds) (int .Values.terminationGraceMarginSeconds) -}}
{{- end -}}
