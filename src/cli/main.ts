console.log('sentinel-kit');
