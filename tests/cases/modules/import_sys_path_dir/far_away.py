print('far_away runs, named', __name__)
WHERE = 'import_sys_path_dir'
