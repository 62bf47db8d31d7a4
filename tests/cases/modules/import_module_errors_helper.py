print('errors helper: start')
value = 1
raise ValueError('helper failed half way')
