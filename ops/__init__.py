"""Operations: health and metrics endpoints of the starter and worker; dashboards in grafana/."""
