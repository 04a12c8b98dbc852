# Shared synthetic data for the rule-training end-to-end scripts (sourced).
# step_time_csv FILE: 800 points every 10 s around 100 with labeled spikes of 180 at points
# 60, 61, 220, 410, 530, 650, 651 and 720 (some in the validation tail); columns
# timestamp,series,value,label, series `step_time_ms`.
step_time_csv() {
  {
    echo "timestamp,series,value,label"
    for i in $(seq 0 799); do
      v=$((100 + (i * 37 % 11) - 5)); l=0
      case $i in 60|61|220|410|530|650|651|720) v=180; l=1 ;; esac
      echo "$((1700000000 + i * 10)),step_time_ms,$v,$l"
    done
  } >"$1"
}
