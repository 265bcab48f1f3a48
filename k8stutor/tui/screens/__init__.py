"""Screens: welcome, workspace, editor, object detail, exec shell, help."""
