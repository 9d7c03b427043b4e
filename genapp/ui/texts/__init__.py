"""The app's text tables, in English and Korean; genapp.ui.i18n merges them and serves them."""
