{{/* Chart name, truncated to the DNS label limit. */}}
{{- define "meridian.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; kept short enough that "-<service>" still fits in 63 chars. */}}
{{- define "meridian.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 43 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 43 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 43 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "meridian.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "meridian.labels" -}}
helm.sh/chart: {{ include "meridian.chart" . }}
{{ include "meridian.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: meridian
{{- end -}}

{{- define "meridian.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meridian.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The helpers below take (dict "root" $ "name" <service>). */}}
{{- define "meridian.componentName" -}}
{{- printf "%s-%s" (include "meridian.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "meridian.componentLabels" -}}
{{ include "meridian.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "meridian.componentSelectorLabels" -}}
{{ include "meridian.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{- define "meridian.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) -}}
{{- end -}}

{{/* Env shared by the services and the provisioning Job (an EnvVar list, unindented). */}}
{{- define "meridian.commonEnv" -}}
- name: KAFKA_BROKERS
  value: {{ required "kafka.brokers is required (comma-separated bootstrap servers)" .Values.kafka.brokers | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Renders an EnvVar list with one entry per name: a later entry replaces an earlier one in
     place (duplicate names upset Kubernetes' strategic merge patches on upgrade). */}}
{{- define "meridian.env" -}}
{{- $byName := dict -}}
{{- $order := list -}}
{{- range . -}}
{{- if not (hasKey $byName .name) -}}
{{- $order = append $order .name -}}
{{- end -}}
{{- $_ := set $byName .name . -}}
{{- end -}}
{{- $out := list -}}
{{- range $order -}}
{{- $out = append $out (get $byName .) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- define "meridian.databaseSecret" -}}
{{- required "database.existingSecret is required (a Secret holding DATABASE_URL)" .Values.database.existingSecret -}}
{{- end -}}

{{/* Pod-level settings shared by the Deployments and the Job. */}}
{{- define "meridian.podCommon" -}}
automountServiceAccountToken: false
{{- with .Values.serviceAccountName }}
serviceAccountName: {{ . }}
{{- end }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
