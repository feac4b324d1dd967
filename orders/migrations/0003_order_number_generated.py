"""The order number becomes a column the database writes from the id (no UPDATE after the INSERT);
cart lines are reachable from their product (one query locks the stock of a cart's products)."""

import django.db.models.deletion
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_search_indexes'),
        ('orders', '0002_invoice_for_licence_orders'),
    ]

    operations = [
        migrations.AlterField(
            model_name='cartline',
            name='product',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cart_lines', to='catalog.product'),
        ),
        # A column cannot turn into a generated one: dropped and added (existing numbers were already
        # "SO" and the zero-padded id, which is what the database now writes).
        migrations.RemoveField(model_name='order', name='number'),
        migrations.AddField(
            model_name='order',
            name='number',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Concat(models.Value('SO', output_field=models.TextField()), models.Case(models.When(id__lt=100000000, then=django.db.models.functions.text.Right(django.db.models.functions.text.Concat(models.Value('0000000', output_field=models.TextField()), django.db.models.functions.comparison.Cast('id', models.TextField())), 8)), default=django.db.models.functions.comparison.Cast('id', models.TextField()), output_field=models.TextField())), output_field=models.CharField(max_length=20), unique=True, verbose_name='order number'),
        ),
    ]
