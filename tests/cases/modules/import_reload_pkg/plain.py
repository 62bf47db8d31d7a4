NAME = 'plain in ' + __package__
