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
{{- include "meridian.kafkaSecurityEnv" . }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Kafka TLS/SASL (libs/kafka/README.md): files mounted from the kafka-security volume. */}}
{{- define "meridian.kafkaSecurityDir" -}}/etc/meridian/kafka{{- end -}}

{{/* Checks kafka.tls / kafka.sasl; fails the render with a message naming the value to fix. */}}
{{- define "meridian.kafkaSecurityCheck" -}}
{{- $tls := .Values.kafka.tls | default dict -}}
{{- $sasl := .Values.kafka.sasl | default dict -}}
{{- $ca := $tls.ca | default dict -}}
{{- $client := $tls.clientCertificate | default dict -}}
{{- if and $ca.secretName $ca.configMapName -}}
{{- fail "kafka.tls.ca: set secretName or configMapName, not both" -}}
{{- end -}}
{{- if and (not $tls.enabled) (or $ca.secretName $ca.configMapName $client.secretName) -}}
{{- fail "kafka.tls.ca / kafka.tls.clientCertificate are set but kafka.tls.enabled is false" -}}
{{- end -}}
{{- if $sasl.mechanism -}}
{{- if not (has $sasl.mechanism (list "plain" "scram-sha-256" "scram-sha-512")) -}}
{{- fail (printf "kafka.sasl.mechanism must be plain, scram-sha-256 or scram-sha-512 (got %q)" $sasl.mechanism) -}}
{{- end -}}
{{- if not $sasl.username -}}
{{- fail "kafka.sasl.username is required with kafka.sasl.mechanism" -}}
{{- end -}}
{{- if not ($sasl.passwordSecret | default dict).name -}}
{{- fail "kafka.sasl.passwordSecret.name is required with kafka.sasl.mechanism (an existing Secret)" -}}
{{- end -}}
{{- if and (eq $sasl.mechanism "plain") (not $tls.enabled) -}}
{{- fail "kafka.sasl.mechanism=plain sends the password in clear text: set kafka.tls.enabled=true" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* KAFKA_SSL* / KAFKA_SASL_* entries (each line starts with a newline, for meridian.commonEnv). */}}
{{- define "meridian.kafkaSecurityEnv" -}}
{{- include "meridian.kafkaSecurityCheck" . -}}
{{- $dir := include "meridian.kafkaSecurityDir" . -}}
{{- $tls := .Values.kafka.tls | default dict -}}
{{- $sasl := .Values.kafka.sasl | default dict -}}
{{- if $tls.enabled }}
- name: KAFKA_SSL
  value: "true"
{{- if or ($tls.ca | default dict).secretName ($tls.ca | default dict).configMapName }}
- name: KAFKA_SSL_CA_FILE
  value: {{ printf "%s/ca.pem" $dir | quote }}
{{- end }}
{{- if ($tls.clientCertificate | default dict).secretName }}
- name: KAFKA_SSL_CERT_FILE
  value: {{ printf "%s/client.pem" $dir | quote }}
- name: KAFKA_SSL_KEY_FILE
  value: {{ printf "%s/client.key" $dir | quote }}
{{- end }}
{{- if eq (toString $tls.rejectUnauthorized) "false" }}
- name: KAFKA_SSL_REJECT_UNAUTHORIZED
  value: "false"
{{- end }}
{{- end }}
{{- if $sasl.mechanism }}
- name: KAFKA_SASL_MECHANISM
  value: {{ $sasl.mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  value: {{ $sasl.username | quote }}
- name: KAFKA_SASL_PASSWORD_FILE
  value: {{ printf "%s/sasl-password" $dir | quote }}
{{- end }}
{{- end -}}

{{/* The projected volume holding the CA, client certificate and SASL password; empty when none. */}}
{{- define "meridian.kafkaSecurityVolume" -}}
{{- $tls := .Values.kafka.tls | default dict -}}
{{- $sasl := .Values.kafka.sasl | default dict -}}
{{- $ca := $tls.ca | default dict -}}
{{- $client := $tls.clientCertificate | default dict -}}
{{- $sources := list -}}
{{- if and $tls.enabled $ca.secretName -}}
{{- $sources = append $sources (dict "secret" (dict "name" $ca.secretName "items" (list (dict "key" $ca.key "path" "ca.pem")))) -}}
{{- end -}}
{{- if and $tls.enabled $ca.configMapName -}}
{{- $sources = append $sources (dict "configMap" (dict "name" $ca.configMapName "items" (list (dict "key" $ca.key "path" "ca.pem")))) -}}
{{- end -}}
{{- if and $tls.enabled $client.secretName -}}
{{- $sources = append $sources (dict "secret" (dict "name" $client.secretName "items" (list (dict "key" $client.certKey "path" "client.pem") (dict "key" $client.keyKey "path" "client.key")))) -}}
{{- end -}}
{{- if $sasl.mechanism -}}
{{- $sources = append $sources (dict "secret" (dict "name" $sasl.passwordSecret.name "items" (list (dict "key" $sasl.passwordSecret.key "path" "sasl-password")))) -}}
{{- end -}}
{{- if $sources -}}
- name: kafka-security
  projected:
    # Readable by the pod's group (fsGroup) only.
    defaultMode: 0440
    sources:
      {{- toYaml $sources | nindent 6 }}
{{- end -}}
{{- end -}}

{{/* Its mount, when there is a volume. */}}
{{- define "meridian.kafkaSecurityVolumeMount" -}}
{{- if include "meridian.kafkaSecurityVolume" . -}}
- name: kafka-security
  mountPath: {{ include "meridian.kafkaSecurityDir" . }}
  readOnly: true
{{- end -}}
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
